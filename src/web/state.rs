//! What the person typed, and what the core makes of it.
//!
//! [`Inputs`] is the one piece of state of the app, a pure [`Reducible`]: the reducer only builds
//! the next value, and everything shown is derived from it by [`run`], which turns the inputs into
//! a [`Scenario`] and hands it to [`crate::simulate`]. No CORS rule lives here: the request
//! builder's text is parsed into the scenario's shape and nothing more.

use crate::advice::Finding;
use crate::http::HeaderList;
use crate::scenario::{Api, Endpoint, ObjectState, RequestSpec};
use crate::server::s3::{ConfigFormat, S3Config};
use crate::{
    Browser, Credentials, Error, Mode, Outcome, Policy, PolicyKind, PreparedServer, Scenario,
    ServerSpec, Span, Trace,
};
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use yew::Reducible;

/// The default S3 configuration: a single-page app at app.example.com uploading to its bucket.
pub const EXAMPLE_S3_CONFIG: &str = r#"<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <CORSRule>
    <ID>spa-uploads</ID>
    <AllowedOrigin>https://app.example.com</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>
"#;

/// The default `custom` server: literal answers a hand-written API might give.
pub const EXAMPLE_CUSTOM_SERVER: &str = r#"{
  "kind": "custom",
  "preflight": {
    "status": 204,
    "headers": [
      ["Access-Control-Allow-Origin", "https://app.example.com"],
      ["Access-Control-Allow-Methods", "GET, PUT, POST, HEAD"],
      ["Access-Control-Allow-Headers", "Content-Type"],
      ["Access-Control-Max-Age", "3000"],
      ["Vary", "Origin"]
    ]
  },
  "response": {
    "status": 200,
    "headers": [
      ["Access-Control-Allow-Origin", "https://app.example.com"],
      ["Access-Control-Expose-Headers", "ETag"],
      ["ETag", "\"9b2cf535f27731c974343645a3985328\""],
      ["Vary", "Origin"]
    ]
  }
}
"#;

/// Which kind of server the editor describes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServerKind {
    /// An S3 bucket; the editor holds its CORS configuration.
    #[default]
    S3,
    /// Literal responses; the editor holds the `custom` server JSON.
    Custom,
}

impl ServerKind {
    /// The `value` of the selector's option.
    pub fn id(self) -> &'static str {
        match self {
            ServerKind::S3 => "s3",
            ServerKind::Custom => "custom",
        }
    }

    /// Parses a selector value.
    pub fn from_id(id: &str) -> Option<ServerKind> {
        match id {
            "s3" => Some(ServerKind::S3),
            "custom" => Some(ServerKind::Custom),
            _ => None,
        }
    }
}

/// Everything the person typed or picked. Serialized into the permalink.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Inputs {
    /// Which server the editor describes.
    pub server_kind: ServerKind,
    /// The S3 configuration text (kept while the custom server is shown).
    pub s3_config: String,
    /// The custom server JSON (kept while S3 is shown).
    pub custom_config: String,
    /// The page's origin.
    pub origin: String,
    /// The URL the script requests.
    pub url: String,
    /// The method as the script writes it.
    pub method: String,
    /// Request headers, one `Name: value` per line.
    pub headers: String,
    /// Credentials mode.
    pub credentials: Credentials,
    /// Request mode.
    pub mode: Mode,
    /// fetch() or XMLHttpRequest.
    pub api: Api,
    /// The engine.
    pub browser: Browser,
    /// Later requests against the same preflight cache (from a preset), shown below the first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sequence: Vec<RequestSpec>,
    /// The editor's text before the last applied fix, for Undo.
    #[serde(skip)]
    pub before_fix: Option<String>,
    /// The preset these inputs were loaded from, whose lesson is shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// Bumped when the inputs are replaced wholesale, so the form's widgets are rebuilt with the
    /// new selections (a `<select>`'s shown option follows `selected` only when it is created).
    #[serde(skip)]
    pub generation: u32,
}

impl Default for Inputs {
    fn default() -> Inputs {
        Inputs::example()
    }
}

impl Inputs {
    /// The example the page opens with.
    pub fn example() -> Inputs {
        Inputs {
            server_kind: ServerKind::S3,
            s3_config: EXAMPLE_S3_CONFIG.to_string(),
            custom_config: EXAMPLE_CUSTOM_SERVER.to_string(),
            origin: "https://app.example.com".into(),
            url: "https://my-bucket.s3.us-east-1.amazonaws.com/uploads/photo.png".into(),
            method: "PUT".into(),
            headers: "Content-Type: image/png".into(),
            credentials: Credentials::SameOrigin,
            mode: Mode::Cors,
            api: Api::Fetch,
            browser: Browser::Chrome,
            sequence: Vec::new(),
            before_fix: None,
            preset: None,
            generation: 0,
        }
    }

    /// The inputs that describe `scenario` (a preset's). The S3 object state and endpoint, which
    /// the form does not show, keep their defaults.
    pub fn from_scenario(scenario: &Scenario, preset: Option<String>) -> Inputs {
        let example = Inputs::example();
        let r = &scenario.request;
        let (server_kind, s3_config, custom_config) = match &scenario.server {
            ServerSpec::S3 { config, .. } => (
                ServerKind::S3,
                config.clone().unwrap_or_default(),
                example.custom_config,
            ),
            // Literal responses and the other providers are written as server JSON.
            other => (
                ServerKind::Custom,
                example.s3_config,
                custom_server_text(other),
            ),
        };
        Inputs {
            server_kind,
            s3_config,
            custom_config,
            origin: r.origin.clone(),
            url: r.url.clone(),
            method: r.method.clone(),
            headers: r
                .headers
                .iter()
                .map(|(n, v)| format!("{n}: {v}"))
                .collect::<Vec<_>>()
                .join("\n"),
            credentials: r.credentials,
            mode: r.mode,
            api: r.api,
            browser: scenario.browser,
            sequence: scenario.sequence.clone(),
            before_fix: None,
            preset,
            generation: 0,
        }
    }

    /// The text in the editor, to change.
    fn config_mut(&mut self) -> &mut String {
        match self.server_kind {
            ServerKind::S3 => &mut self.s3_config,
            ServerKind::Custom => &mut self.custom_config,
        }
    }

    /// The text in the editor.
    pub fn config(&self) -> &str {
        match self.server_kind {
            ServerKind::S3 => &self.s3_config,
            ServerKind::Custom => &self.custom_config,
        }
    }
}

/// A change the person makes.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Pick the server kind.
    SetServerKind(ServerKind),
    /// Edit the text of the current server kind.
    SetConfig(String),
    /// Replace the text of the current server kind with a fix, remembering it for Undo.
    ApplyFix(String),
    /// Put back the text from before the fix.
    UndoFix,
    /// Edit the page origin.
    SetOrigin(String),
    /// Edit the URL.
    SetUrl(String),
    /// Edit the method.
    SetMethod(String),
    /// Edit the header lines.
    SetHeaders(String),
    /// Pick the credentials mode.
    SetCredentials(Credentials),
    /// Pick the request mode.
    SetMode(Mode),
    /// Pick the API.
    SetApi(Api),
    /// Pick the browser.
    SetBrowser(Browser),
    /// Drop the later requests.
    ClearSequence,
    /// Replace everything (the example, a preset, or a permalink).
    Load(Box<Inputs>),
}

impl Reducible for Inputs {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::SetServerKind(k) => {
                next.server_kind = k;
                next.before_fix = None;
            }
            Action::SetConfig(text) => {
                *next.config_mut() = text;
                next.before_fix = None;
            }
            Action::ApplyFix(text) => {
                let before = std::mem::replace(next.config_mut(), text);
                next.before_fix = Some(before);
            }
            Action::UndoFix => {
                if let Some(before) = next.before_fix.take() {
                    *next.config_mut() = before;
                }
            }
            Action::SetOrigin(v) => next.origin = v,
            Action::SetUrl(v) => next.url = v,
            Action::SetMethod(v) => next.method = v,
            Action::SetHeaders(v) => next.headers = v,
            Action::SetCredentials(v) => next.credentials = v,
            Action::SetMode(v) => next.mode = v,
            Action::SetApi(v) => next.api = v,
            Action::SetBrowser(v) => next.browser = v,
            Action::ClearSequence => next.sequence.clear(),
            Action::Load(inputs) => {
                next = *inputs;
                next.generation = self.generation.wrapping_add(1);
            }
        }
        if next == *self {
            // Returning the same Rc skips the re-render.
            return self;
        }
        Rc::new(next)
    }
}

/// Which input an error points at, so it is shown next to that field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The config editor.
    Config,
    /// The page origin.
    Origin,
    /// The URL.
    Url,
    /// The header lines.
    Headers,
    /// None in particular.
    Other,
}

/// Where an error belongs: the text it names (`Error::input`), or, for request fields the core
/// names in its message (`request.origin: …`), that field.
pub fn field_of(error: &Error) -> Field {
    match error.input.as_deref() {
        Some("config") => Field::Config,
        Some("headers") => Field::Headers,
        _ if error.message.starts_with("request.origin") => Field::Origin,
        _ if error.message.starts_with("request.url") => Field::Url,
        _ => Field::Other,
    }
}

/// What the config editor's badge says about the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigStatus {
    /// An S3 configuration in this format, with this many rules.
    S3 {
        /// The format it was pasted in.
        format: ConfigFormat,
        /// How many `CORSRule`s.
        rules: usize,
    },
    /// Blank text or `null`: the bucket has no CORS configuration.
    NoS3Config,
    /// The custom server's literal responses.
    Custom,
    /// Server JSON for another provider, named.
    Server(&'static str),
    /// Not usable (the error is shown separately).
    Invalid,
}

/// The human name of the provider a server JSON describes.
pub fn server_label(server: &ServerSpec) -> &'static str {
    match server {
        ServerSpec::S3 { .. } => "S3 bucket",
        ServerSpec::Custom { .. } => "custom responses",
        ServerSpec::ApigwHttp { .. } => "API Gateway HTTP API",
        ServerSpec::ApigwRest { .. } => "API Gateway REST API",
        ServerSpec::Cloudfront { .. } => "CloudFront",
        ServerSpec::LambdaUrl { .. } => "Lambda function URL",
    }
}

/// The human name of a configuration format.
pub fn format_label(format: ConfigFormat) -> &'static str {
    match format {
        ConfigFormat::Xml => "S3 XML",
        ConfigFormat::S3apiJson => "s3api JSON",
        ConfigFormat::ConsoleJson => "console JSON",
        ConfigFormat::CloudFormation => "CloudFormation",
    }
}

/// The smallest change that lets a blocked request through, as the advice module proved it.
#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    /// What it changes and why.
    pub explanation: String,
    /// The whole fixed editor text, when a configuration change helps.
    pub fixed_text: Option<String>,
    /// A unified diff from the editor's text to `fixed_text`.
    pub diff: Option<String>,
    /// What to change in the request instead, when the server cannot help.
    pub request_change: Option<String>,
}

/// Everything derived from the inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Simulation {
    /// What the editor's text is.
    pub config_status: ConfigStatus,
    /// Warnings about an S3 configuration S3 would accept.
    pub lint: Vec<Finding>,
    /// The trace, or the first input error.
    pub result: Result<Rc<Trace>, Error>,
    /// For a blocked request: what would let it through.
    pub fix: Option<Fix>,
    /// The outcome in each engine, for comparison (empty when the input has an error).
    pub by_browser: Vec<(Browser, Outcome)>,
}

/// What the verdict card needs: the page shows it in the keystroke's own render.
#[derive(Clone, Debug)]
pub struct Verdict {
    /// What the editor's text is.
    pub config_status: ConfigStatus,
    /// The trace, or the first input error.
    pub result: Result<Rc<Trace>, Error>,
    /// The outcome in each engine, for comparison (empty when the input has an error).
    pub by_browser: Vec<(Browser, Outcome)>,
    /// The scenario simulated, when the inputs make one.
    pub scenario: Option<Rc<Scenario>>,
    /// The server it was simulated against, for [`details`].
    server: Option<Rc<Ready>>,
    /// The lint findings, when they came with the badge (the text was parsed on its own
    /// because the scenario could not be built).
    lint: Option<Vec<Finding>>,
}

/// The advice beside the verdict. Worked out by [`details`] after the verdict is on screen:
/// the fix search and lint cost more than the simulation itself with a large configuration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Details {
    /// Warnings about an S3 configuration S3 would accept.
    pub lint: Vec<Finding>,
    /// For a blocked request: what would let it through.
    pub fix: Option<Fix>,
}

/// Parses the header textarea: one `Name: value` per line, order and repeats kept; blank lines
/// are skipped. A line without a colon is an error at that line.
pub fn parse_header_lines(text: &str) -> Result<HeaderList, Error> {
    let mut list = HeaderList::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let Some((name, value)) = line.split_once(':') else {
            return Err(Error::scenario(
                format!(
                    "{:?} has no colon; write one header per line as Name: value",
                    line.trim()
                ),
                Some(Span {
                    line: line_no,
                    column: u32::try_from(line.chars().count() + 1).unwrap_or(u32::MAX),
                }),
            )
            .in_input("headers"));
        };
        let name = name.trim();
        if name.is_empty() {
            let column = line.chars().take_while(|c| c.is_whitespace()).count() + 1;
            return Err(Error::scenario(
                "the header name before the colon is empty",
                Some(Span {
                    line: line_no,
                    column: u32::try_from(column).unwrap_or(u32::MAX),
                }),
            )
            .in_input("headers"));
        }
        let value = value.trim_matches([' ', '\t']);
        if let Some(e) = crate::http::header_limit_error(list.len(), name, value) {
            let mut error = Error::too_large(e).in_input("headers");
            error.span = Some(Span {
                line: line_no,
                column: 1,
            });
            return Err(error);
        }
        list.append(name.to_owned(), value.to_owned());
    }
    Ok(list)
}

/// The scenario the inputs describe.
pub fn scenario(inputs: &Inputs) -> Result<Scenario, Error> {
    let headers = parse_header_lines(&inputs.headers)?;
    let server = match inputs.server_kind {
        ServerKind::S3 => ServerSpec::S3 {
            config: Some(inputs.s3_config.clone()),
            object: ObjectState::default(),
            endpoint: Endpoint::default(),
        },
        ServerKind::Custom => serde_json::from_str(&inputs.custom_config)
            .map_err(|e| Error::from_json(&e).in_input("config"))?,
    };
    Ok(Scenario {
        browser: inputs.browser,
        request: RequestSpec {
            origin: inputs.origin.trim().to_string(),
            url: inputs.url.clone(),
            method: inputs.method.clone(),
            headers,
            credentials: inputs.credentials,
            mode: inputs.mode,
            api: inputs.api,
            body: None,
            upload_listeners: false,
            at_seconds: None,
        },
        server,
        sequence: inputs.sequence.clone(),
    })
}

/// The editor text of a server: hand-written style, absent and empty fields left out.
fn custom_server_text(server: &ServerSpec) -> String {
    // Through JSON text, not `serde_json::to_value`: one serializer per type in the wasm.
    serde_json::to_string(server)
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text))
        .map(|mut v| {
            if let Some(map) = v.as_object_mut() {
                map.retain(|_, x| !(x.is_null() || x.as_array().is_some_and(Vec::is_empty)));
            }
            json_text(&v, 0) + "\n"
        })
        .unwrap_or_default()
}

/// JSON text the way people write it by hand: objects and arrays of containers one item per
/// line, arrays of plain values (a `[name, value]` header pair) on one line.
fn json_text(v: &serde_json::Value, indent: usize) -> String {
    use serde_json::Value;
    let pad = "  ".repeat(indent + 1);
    let end = "  ".repeat(indent);
    let scalar = |v: &Value| !matches!(v, Value::Array(_) | Value::Object(_));
    match v {
        Value::Array(items) if items.is_empty() => "[]".into(),
        Value::Object(map) if map.is_empty() => "{}".into(),
        Value::Array(items) if items.iter().all(scalar) => format!(
            "[{}]",
            items
                .iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Array(items) => format!(
            "[\n{}\n{end}]",
            items
                .iter()
                .map(|i| format!("{pad}{}", json_text(i, indent + 1)))
                .collect::<Vec<_>>()
                .join(",\n")
        ),
        Value::Object(map) => format!(
            "{{\n{}\n{end}}}",
            map.iter()
                .map(|(k, v)| format!(
                    "{pad}{}: {}",
                    Value::from(k.as_str()),
                    json_text(v, indent + 1)
                ))
                .collect::<Vec<_>>()
                .join(",\n")
        ),
        other => other.to_string(),
    }
}

/// What the editor's text is, for the badge, and the lint findings of an S3 configuration.
fn config_status(inputs: &Inputs) -> (ConfigStatus, Vec<Finding>) {
    match inputs.server_kind {
        ServerKind::S3 => match crate::parse_policy(PolicyKind::S3, &inputs.s3_config) {
            Ok(Policy::S3 { config }) => s3_status(config.as_ref()),
            // parse_policy(S3, …) only returns S3 policies.
            Ok(_) | Err(_) => (ConfigStatus::Invalid, Vec::new()),
        },
        ServerKind::Custom => match serde_json::from_str::<ServerSpec>(&inputs.custom_config) {
            Ok(ServerSpec::Custom { .. }) => (ConfigStatus::Custom, Vec::new()),
            Ok(other) => (ConfigStatus::Server(server_label(&other)), Vec::new()),
            Err(_) => (ConfigStatus::Invalid, Vec::new()),
        },
    }
}

/// The badge and lint findings of a valid S3 text (`None`: it says there is no configuration).
fn s3_status(config: Option<&S3Config>) -> (ConfigStatus, Vec<Finding>) {
    (
        s3_badge(config),
        config.map(crate::advice::lint).unwrap_or_default(),
    )
}

/// The badge of a valid S3 text (`None`: it says there is no configuration).
fn s3_badge(config: Option<&S3Config>) -> ConfigStatus {
    match config {
        Some(c) => ConfigStatus::S3 {
            format: c.format,
            rules: c.rules.len(),
        },
        None => ConfigStatus::NoS3Config,
    }
}

/// A server parsed once, and the lint findings of its S3 configuration (worked out on first
/// need, once per configuration text).
pub(crate) struct Ready {
    /// The server, ready to simulate against.
    pub server: PreparedServer,
    /// The lint findings of an S3 configuration.
    lint: std::cell::OnceCell<Vec<Finding>>,
}

impl std::fmt::Debug for Ready {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ready").finish_non_exhaustive()
    }
}

impl Ready {
    fn lint(&self) -> &[Finding] {
        self.lint.get_or_init(|| {
            self.server
                .s3_config()
                .map(crate::advice::lint)
                .unwrap_or_default()
        })
    }
}

/// A server spec and what preparing it gave.
type ReadyEntry = (ServerSpec, Result<Rc<Ready>, Error>);

thread_local! {
    /// The last server prepared and the spec it came from. Typing in the request form changes
    /// only the request, so the configuration (up to 64 KB of S3 XML) is parsed and linted
    /// again only when its text changes. The JS API's `simulate` shares it.
    static LAST_READY: std::cell::RefCell<Option<ReadyEntry>> =
        const { std::cell::RefCell::new(None) };
}

/// `spec` parsed and validated, from [`LAST_READY`] when the spec has not changed.
pub(crate) fn prepared(spec: &ServerSpec) -> Result<Rc<Ready>, Error> {
    LAST_READY.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((cached, result)) = last.as_ref() {
            if cached == spec {
                return result.clone();
            }
        }
        let result = PreparedServer::new(spec).map(|server| {
            Rc::new(Ready {
                server,
                lint: std::cell::OnceCell::new(),
            })
        });
        *last = Some((spec.clone(), result.clone()));
        result
    })
}

/// The advice for a blocked scenario (simulated as `trace`), with the fixed text in the
/// editor's own style.
fn fix_for(inputs: &Inputs, scenario: &Scenario, trace: &Trace) -> Option<Fix> {
    let report = crate::advice::fix::fix_given(scenario, trace).ok()?;
    let (fixed_text, diff) = match (report.fixed_config, inputs.server_kind) {
        // The S3 fix edits the pasted text itself, and the report's diff is against that text.
        (Some(text), ServerKind::S3) => (Some(text), report.diff),
        // The custom fix comes as JSON; write it like the editor's text.
        (Some(text), ServerKind::Custom) => {
            let fixed = serde_json::from_str::<ServerSpec>(&text)
                .ok()
                .map(|server| custom_server_text(&server));
            let diff = fixed
                .as_deref()
                .map(|after| crate::advice::fix::unified_diff(inputs.config(), after));
            (fixed, diff)
        }
        (None, _) => (None, None),
    };
    Some(Fix {
        explanation: report.explanation,
        fixed_text,
        diff,
        request_change: report.request_change,
    })
}

/// Runs the simulation the inputs describe, verdict and advice alike: [`verdict`], then
/// [`details`].
pub fn run(inputs: &Inputs) -> Simulation {
    let v = verdict(inputs);
    let Details { lint, fix } = details(inputs, &v);
    Simulation {
        config_status: v.config_status,
        lint,
        result: v.result,
        fix,
        by_browser: v.by_browser,
    }
}

/// The verdict the inputs lead to, in each engine. The configuration is parsed once (and kept
/// while its text stays the same), then simulated in each browser.
pub fn verdict(inputs: &Inputs) -> Verdict {
    let scenario = scenario(inputs);
    let server = scenario
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|s| prepared(&s.server));
    let (config_status, lint) = match (inputs.server_kind, &scenario, &server) {
        // The prepared S3 server holds exactly what parse_policy(S3, text) returns; its lint
        // findings are left to `details`.
        (ServerKind::S3, Ok(_), Ok(p)) => (s3_badge(p.server.s3_config()), None),
        (ServerKind::S3, Ok(_), Err(_)) => (ConfigStatus::Invalid, Some(Vec::new())),
        _ => {
            let (status, lint) = config_status(inputs);
            (status, Some(lint))
        }
    };
    // Every engine in one call, so that the server answers each distinct request once (see
    // `simulate_in_browsers`): the chosen browser's trace, and the others' outcomes to compare.
    const ENGINES: [Browser; 3] = [Browser::Chrome, Browser::Firefox, Browser::Safari];
    let (result, by_browser) = match (&scenario, &server) {
        (Ok(s), Ok(p)) => {
            let traces = crate::simulate_in_browsers(s, &p.server, &ENGINES);
            let by_browser = ENGINES
                .into_iter()
                .zip(&traces)
                .filter_map(|(b, t)| t.as_ref().ok().map(|t| (b, t.outcome)))
                .collect();
            let result = ENGINES
                .into_iter()
                .zip(traces)
                .find_map(|(b, t)| (b == s.browser).then_some(t))
                .unwrap_or_else(|| crate::simulate_prepared(s, &p.server))
                .map(Rc::new);
            match result {
                Ok(t) => (Ok(t), by_browser),
                Err(e) => (Err(e), Vec::new()),
            }
        }
        (Err(e), _) | (_, Err(e)) => (Err(e.clone()), Vec::new()),
    };
    Verdict {
        config_status,
        result,
        by_browser,
        scenario: scenario.ok().map(Rc::new),
        server: server.ok(),
        lint,
    }
}

/// The lint findings and, for a blocked request, the fix, for the inputs `v` was worked out
/// from. Lint depends on the configuration text alone, so it is kept with the parsed server.
pub fn details(inputs: &Inputs, v: &Verdict) -> Details {
    let lint = match (&v.lint, &v.server) {
        (Some(lint), _) => lint.clone(),
        (None, Some(p)) => p.lint().to_vec(),
        (None, None) => Vec::new(),
    };
    let fix = match (&v.scenario, &v.result) {
        (Some(s), Ok(t)) if t.outcome == Outcome::Blocked => fix_for(inputs, s, t),
        _ => None,
    };
    Details { lint, fix }
}

/// The permalink fragment for these inputs (without the `#`): `s=` and the inputs as JSON, to be
/// percent-encoded by the caller.
pub fn to_permalink_json(inputs: &Inputs) -> String {
    serde_json::to_string(inputs).unwrap_or_default()
}

/// Inputs from a permalink's JSON; `None` when it is not one.
pub fn from_permalink_json(json: &str) -> Option<Inputs> {
    serde_json::from_str(json).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_keep_order_repeats_and_trim_around_the_colon() {
        let h =
            parse_header_lines("Content-Type: image/png\r\n\n  X-A :1\nx-a:\t2 \nEmpty:").unwrap();
        assert_eq!(
            h.iter().collect::<Vec<_>>(),
            vec![
                ("Content-Type", "image/png"),
                ("X-A", "1"),
                ("x-a", "2"),
                ("Empty", "")
            ]
        );
    }

    #[test]
    fn a_header_line_without_colon_is_located() {
        let e = parse_header_lines("A: 1\nnot a header").unwrap_err();
        assert_eq!(
            e.span,
            Some(Span {
                line: 2,
                column: 13
            })
        );
        assert_eq!(field_of(&e), Field::Headers);
        let e = parse_header_lines("  : x").unwrap_err();
        assert_eq!(e.span, Some(Span { line: 1, column: 3 }));
    }

    #[test]
    fn custom_server_scenario_is_simulated_and_blocked_without_allow_headers() {
        let mut inputs = Inputs::example();
        inputs.server_kind = ServerKind::Custom;
        inputs.custom_config = r#"{"kind": "custom",
          "preflight": {"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.example.com"], ["Access-Control-Allow-Methods", "PUT"]]},
          "response": {"status": 200, "headers": []}}"#
            .into();
        let sim = run(&inputs);
        assert_eq!(sim.config_status, ConfigStatus::Custom);
        let trace = sim.result.unwrap();
        assert_eq!(trace.outcome, Outcome::Blocked);
        assert!(trace
            .blocked
            .as_ref()
            .unwrap()
            .console
            .contains("Request header field content-type is not allowed"));
    }

    #[test]
    fn a_blocked_custom_scenario_gets_a_fix_in_the_editor_style() {
        let mut inputs = Inputs::example();
        inputs.server_kind = ServerKind::Custom;
        inputs.headers = "Content-Type: image/png\nX-Trace-Id: 1".into();
        let sim = run(&inputs);
        assert_eq!(sim.result.unwrap().outcome, Outcome::Blocked);
        let fix = sim.fix.expect("a fix");
        let fixed = fix.fixed_text.expect("a config change");
        assert!(
            fixed.contains("x-trace-id") || fixed.contains("X-Trace-Id"),
            "{fixed}"
        );
        let diff = fix.diff.unwrap();
        assert!(
            diff.contains("+      [\"Access-Control-Allow-Headers\""),
            "{diff}"
        );
        inputs.custom_config = fixed;
        let after = run(&inputs);
        assert_eq!(after.result.unwrap().outcome, Outcome::Allowed);
        assert_eq!(after.fix, None);
    }

    #[test]
    fn the_example_custom_server_allows_the_example_request() {
        let mut inputs = Inputs::example();
        inputs.server_kind = ServerKind::Custom;
        let trace = run(&inputs).result.unwrap();
        assert_eq!(trace.outcome, Outcome::Allowed);
        assert!(trace.readable_headers.contains(&"etag".to_string()));
    }

    #[test]
    fn a_malformed_custom_server_is_a_located_config_error() {
        let mut inputs = Inputs::example();
        inputs.server_kind = ServerKind::Custom;
        inputs.custom_config =
            "{\n  \"kind\": \"custom\",\n  \"response\": {\"status\": }\n}".into();
        let sim = run(&inputs);
        assert_eq!(sim.config_status, ConfigStatus::Invalid);
        let e = sim.result.unwrap_err();
        assert_eq!(field_of(&e), Field::Config);
        assert_eq!(e.span.map(|s| s.line), Some(3));
    }

    #[test]
    fn the_server_json_editor_takes_other_providers_too() {
        let mut inputs = Inputs::example();
        inputs.server_kind = ServerKind::Custom;
        inputs.url = "https://abcdefg.lambda-url.us-east-1.on.aws/".into();
        inputs.method = "GET".into();
        inputs.headers = String::new();
        inputs.custom_config = r#"{"kind": "lambda-url", "config": "{\"Cors\": {\"AllowOrigins\": [\"*\"]}}",
          "function": {"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.example.com"]]}}"#
            .into();
        let sim = run(&inputs);
        assert_eq!(
            sim.config_status,
            ConfigStatus::Server("Lambda function URL")
        );
        let trace = sim.result.unwrap();
        assert_eq!(trace.outcome, Outcome::Blocked);
        assert_eq!(
            trace.blocked.as_ref().unwrap().reason.id(),
            "multiple_allow_origin"
        );
    }

    #[test]
    fn a_bad_origin_points_at_the_origin_field() {
        let mut inputs = Inputs::example();
        inputs.server_kind = ServerKind::Custom;
        inputs.origin = "app.example.com".into();
        let e = run(&inputs).result.unwrap_err();
        assert_eq!(field_of(&e), Field::Origin, "{e}");
    }

    #[test]
    fn reducer_edits_the_current_kind_and_load_bumps_generation() {
        let s = Rc::new(Inputs::example());
        let s = s.reduce(Action::SetServerKind(ServerKind::Custom));
        let s = s.reduce(Action::SetConfig("{}".into()));
        assert_eq!(s.custom_config, "{}");
        assert_eq!(s.s3_config, EXAMPLE_S3_CONFIG);
        let same = s.clone().reduce(Action::SetMethod(s.method.clone()));
        assert!(Rc::ptr_eq(&s, &same));
        let fixed = s.clone().reduce(Action::ApplyFix("fixed".into()));
        assert_eq!(
            (fixed.config(), fixed.before_fix.as_deref()),
            ("fixed", Some("{}"))
        );
        let undone = fixed.reduce(Action::UndoFix);
        assert_eq!(
            (undone.config(), undone.before_fix.as_deref()),
            ("{}", None)
        );
        let loaded = s.reduce(Action::Load(Box::default()));
        assert_eq!(loaded.generation, 1);
        assert_eq!(loaded.server_kind, ServerKind::S3);
    }

    #[test]
    fn custom_server_text_puts_header_pairs_on_one_line() {
        let mut inputs = Inputs::example();
        inputs.server_kind = ServerKind::Custom;
        let scenario = scenario(&inputs).unwrap();
        let back = Inputs::from_scenario(&scenario, None);
        // The example is written in exactly this style.
        assert_eq!(back.custom_config, EXAMPLE_CUSTOM_SERVER);
        assert_eq!(back, inputs);
    }

    #[test]
    fn permalink_round_trips_and_ignores_garbage() {
        let mut inputs = Inputs::example();
        inputs.method = "patch".into();
        inputs.browser = Browser::Safari;
        let back = from_permalink_json(&to_permalink_json(&inputs)).unwrap();
        assert_eq!(back, inputs);
        assert_eq!(from_permalink_json("{not json"), None);
        // Missing fields take the example's values.
        assert_eq!(
            from_permalink_json(r#"{"method": "GET"}"#).unwrap().url,
            Inputs::example().url
        );
    }
}
