//! `cors-sim`: the simulator for scripts and CI (design.md §4.3).
//!
//! Every subcommand reads JSON or a configuration from a file or `-` (standard input). Bad
//! input always means exit 2, one line on stderr naming what and where, nothing on stdout.

use clap::{Parser, Subcommand, ValueEnum};
use cors_sim::http::{HeaderList, Request};
use cors_sim::scenario::{Api, Credentials, Mode, RequestSpec};
use cors_sim::trace::{Phase, StepResult};
use cors_sim::{Error, PolicyKind, Scenario, ServerSpec, Trace};
use std::io::{Read, Write};
use std::process::ExitCode;

/// Inputs larger than this are refused before parsing (the core's own limits are lower).
const MAX_INPUT_BYTES: u64 = 1024 * 1024;

#[derive(Parser)]
#[command(
    name = "cors-sim",
    version,
    about = "Simulate what Chrome, Firefox and Safari do with a cross-origin request against an S3 CORS configuration or literal responses."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scenario JSON in, Trace JSON out.
    Simulate {
        /// The scenario file, or - for standard input.
        #[arg(default_value = "-")]
        file: String,
    },
    /// {"server": ..., "request": ...} in; what the server answers, with provenance, out.
    Respond {
        /// The input file, or - for standard input.
        #[arg(default_value = "-")]
        file: String,
    },
    /// Scenario JSON in; the smallest configuration change that makes it pass, proved by
    /// simulation: {"outcome_before", "fixed_config", "diff", "explanation", "outcome_after"}.
    Fix {
        /// The scenario file, or - for standard input.
        #[arg(default_value = "-")]
        file: String,
    },
    /// Validate a configuration as the provider would: exit 0 when valid, 2 with the
    /// provider's error code and message otherwise.
    Validate {
        /// The provider.
        #[arg(long, default_value = "s3")]
        kind: String,
        /// The configuration file, or - for standard input.
        file: String,
    },
    /// Warnings about a configuration S3 accepts but that is risky or can never work;
    /// exit 1 when an error-severity finding exists.
    Lint {
        /// The provider.
        #[arg(long, default_value = "s3")]
        kind: String,
        /// text (default) or json.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The configuration file, or - for standard input.
        file: String,
    },
    /// A readable trace of one request; exit 0 allowed, 1 blocked, 2 bad input.
    Check {
        /// The server configuration file: the provider's configuration as AWS shows it (for
        /// --kind custom, the custom server JSON).
        #[arg(long)]
        config: String,
        /// What the configuration file holds.
        #[arg(long, value_enum, default_value_t = ServerKind::S3)]
        kind: ServerKind,
        /// The page's origin, e.g. https://app.example.com (or null).
        #[arg(long)]
        origin: String,
        /// The URL the page requests.
        #[arg(long)]
        url: String,
        /// The method as the script writes it.
        #[arg(long, default_value = "GET")]
        method: String,
        /// A request header, 'Name: value' (repeatable).
        #[arg(short = 'H', long = "header")]
        headers: Vec<String>,
        /// chrome, firefox or safari.
        #[arg(long, value_enum, default_value_t = BrowserArg::Chrome)]
        browser: BrowserArg,
        /// omit, same-origin or include.
        #[arg(long, value_enum, default_value_t = CredentialsArg::SameOrigin)]
        credentials: CredentialsArg,
        /// cors, no-cors or same-origin.
        #[arg(long, value_enum, default_value_t = ModeArg::Cors)]
        mode: ModeArg,
        /// fetch or xhr.
        #[arg(long, value_enum, default_value_t = ApiArg::Fetch)]
        api: ApiArg,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ServerKind {
    S3,
    ApigwHttp,
    ApigwRest,
    Cloudfront,
    LambdaUrl,
    Custom,
}

#[derive(Clone, Copy, ValueEnum)]
enum BrowserArg {
    Chrome,
    Firefox,
    Safari,
}

#[derive(Clone, Copy, ValueEnum)]
enum CredentialsArg {
    Omit,
    SameOrigin,
    Include,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Cors,
    NoCors,
    SameOrigin,
}

#[derive(Clone, Copy, ValueEnum)]
enum ApiArg {
    Fetch,
    Xhr,
}

/// Bad input: one line for stderr.
struct BadInput(String);

impl From<Error> for BadInput {
    fn from(e: Error) -> BadInput {
        BadInput(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            ) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            eprintln!("cors-sim: {}", first.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    match run(cli.command) {
        Ok((out, code)) => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(out.as_bytes());
            let _ = stdout.flush();
            ExitCode::from(code)
        }
        Err(BadInput(line)) => {
            eprintln!("cors-sim: {line}");
            ExitCode::from(2)
        }
    }
}

/// Reads a file or standard input as UTF-8 text.
fn read_input(path: &str) -> Result<String, BadInput> {
    let mut bytes = Vec::new();
    let name = if path == "-" { "standard input" } else { path };
    let result = if path == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes))
    };
    result.map_err(|e| BadInput(format!("{name}: {e}")))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(BadInput(format!(
            "{name}: larger than {MAX_INPUT_BYTES} bytes; cors-sim reads at most that"
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        BadInput(format!(
            "{name}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Names the file in an error that refers to the text read from it.
fn located(e: Error, path: &str) -> BadInput {
    let name = if path == "-" { "<stdin>" } else { path };
    let mut e = e;
    e.input = Some(name.to_string());
    BadInput(e.to_string())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, BadInput> {
    serde_json::to_string_pretty(value)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| BadInput(format!("cannot write JSON: {e}")))
}

fn run(command: Command) -> Result<(String, u8), BadInput> {
    match command {
        Command::Simulate { file } => {
            let text = read_input(&file)?;
            let trace = cors_sim::simulate_json(&text).map_err(|e| located(e, &file))?;
            Ok((to_json(&trace)?, 0))
        }
        Command::Respond { file } => {
            let text = read_input(&file)?;
            let response = cors_sim::respond_json(&text).map_err(|e| located(e, &file))?;
            Ok((to_json(&response)?, 0))
        }
        Command::Fix { file } => {
            let text = read_input(&file)?;
            let scenario = Scenario::from_json(&text).map_err(|e| located(e, &file))?;
            let report = cors_sim::advice::fix(&scenario).map_err(|e| located(e, &file))?;
            Ok((to_json(&report)?, 0))
        }
        Command::Validate { kind, file } => {
            let kind: PolicyKind = kind.parse()?;
            let text = read_input(&file)?;
            let policy = cors_sim::parse_policy(kind, &text).map_err(|e| located(e, &file))?;
            let summary = match policy {
                cors_sim::Policy::S3 { config: None } => {
                    "valid: no CORS configuration (the bucket answers every preflight 403)"
                        .to_string()
                }
                cors_sim::Policy::S3 { config: Some(c) } => format!(
                    "valid: S3 CORS configuration ({}, {} rule{})",
                    serde_json::to_value(c.format)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    c.rules.len(),
                    if c.rules.len() == 1 { "" } else { "s" }
                ),
                other => other.summary(),
            };
            Ok((format!("{summary}\n"), 0))
        }
        Command::Lint { kind, format, file } => {
            let kind: PolicyKind = kind.parse()?;
            let text = read_input(&file)?;
            let policy = cors_sim::parse_policy(kind, &text).map_err(|e| located(e, &file))?;
            let findings = match policy {
                cors_sim::Policy::S3 { config: Some(c) } => cors_sim::advice::lint(&c),
                cors_sim::Policy::S3 { config: None } => Vec::new(),
                _ => {
                    return Err(BadInput(
                        "lint has rules for S3 configurations only (--kind s3); `validate` checks the other kinds".into(),
                    ))
                }
            };
            let has_error = findings
                .iter()
                .any(|f| f.severity == cors_sim::advice::Severity::Error);
            let out = match format {
                Format::Json => to_json(&findings)?,
                Format::Text => render_findings(&findings, &file),
            };
            Ok((out, u8::from(has_error)))
        }
        Command::Check {
            config,
            kind,
            origin,
            url,
            method,
            headers,
            browser,
            credentials,
            mode,
            api,
        } => {
            let text = read_input(&config)?;
            let server = match kind {
                ServerKind::S3 => ServerSpec::S3 {
                    config: Some(text),
                    object: Default::default(),
                    endpoint: Default::default(),
                },
                ServerKind::ApigwHttp
                | ServerKind::ApigwRest
                | ServerKind::Cloudfront
                | ServerKind::LambdaUrl => {
                    // The file is the provider's configuration; everything else takes its
                    // default (design.md §4.1).
                    let name = kind.to_possible_value().map(|v| v.get_name().to_string());
                    let spec = serde_json::json!({"kind": name, "config": text});
                    serde_json::from_value(spec)
                        .map_err(|e| located(Error::from_json(&e), &config))?
                }
                ServerKind::Custom => {
                    let mut value: serde_json::Value = serde_json::from_str(&text)
                        .map_err(|e| located(Error::from_json(&e), &config))?;
                    if let Some(obj) = value.as_object_mut() {
                        obj.entry("kind").or_insert_with(|| "custom".into());
                    }
                    serde_json::from_value(value)
                        .map_err(|e| located(Error::from_json(&e), &config))?
                }
            };
            let mut header_list = HeaderList::new();
            for h in &headers {
                let Some((name, value)) = h.split_once(':') else {
                    return Err(BadInput(format!(
                        "-H {h:?}: write a header as 'Name: value'"
                    )));
                };
                header_list.append(name.trim().to_owned(), value.trim().to_owned());
            }
            let scenario = Scenario {
                browser: match browser {
                    BrowserArg::Chrome => cors_sim::Browser::Chrome,
                    BrowserArg::Firefox => cors_sim::Browser::Firefox,
                    BrowserArg::Safari => cors_sim::Browser::Safari,
                },
                request: RequestSpec {
                    origin,
                    url,
                    method,
                    headers: header_list,
                    credentials: match credentials {
                        CredentialsArg::Omit => Credentials::Omit,
                        CredentialsArg::SameOrigin => Credentials::SameOrigin,
                        CredentialsArg::Include => Credentials::Include,
                    },
                    mode: match mode {
                        ModeArg::Cors => Mode::Cors,
                        ModeArg::NoCors => Mode::NoCors,
                        ModeArg::SameOrigin => Mode::SameOrigin,
                    },
                    api: match api {
                        ApiArg::Fetch => Api::Fetch,
                        ApiArg::Xhr => Api::Xhr,
                    },
                    body: None,
                    upload_listeners: false,
                    at_seconds: None,
                },
                server,
                sequence: Vec::new(),
            };
            let trace = cors_sim::simulate(&scenario).map_err(|e| located(e, &config))?;
            let code = if trace.outcome == cors_sim::Outcome::Allowed {
                0
            } else {
                1
            };
            let mut out = render(&trace);
            if trace.outcome == cors_sim::Outcome::Blocked {
                let report = cors_sim::advice::fix(&scenario).map_err(|e| located(e, &config))?;
                out.push_str("\nFix:\n");
                out.push_str(&format!("  {}\n", report.explanation));
                if let Some(diff) = &report.diff {
                    for line in diff.lines() {
                        out.push_str(&format!("  {line}\n"));
                    }
                }
                if let Some(change) = &report.request_change {
                    out.push_str(&format!("  Change the request: {change}\n"));
                }
            }
            if let ServerSpec::S3 {
                config: Some(text), ..
            } = &scenario.server
            {
                if let Ok(cors_sim::Policy::S3 { config: Some(c) }) =
                    cors_sim::parse_policy(PolicyKind::S3, text)
                {
                    let findings = cors_sim::advice::lint(&c);
                    if !findings.is_empty() {
                        out.push_str("\nLint:\n");
                        for line in render_findings(&findings, &config).lines() {
                            out.push_str(&format!("  {line}\n"));
                        }
                    }
                }
            }
            Ok((out, code))
        }
    }
}

/// Lint findings as compiler-style lines.
fn render_findings(findings: &[cors_sim::advice::Finding], file: &str) -> String {
    let name = if file == "-" { "<stdin>" } else { file };
    if findings.is_empty() {
        return "no findings\n".to_string();
    }
    let mut out = String::new();
    for f in findings {
        let severity = serde_json::to_value(f.severity)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        out.push_str(&format!(
            "{name}:{}:{}: {severity}[{}]: {}\n",
            f.line, f.column, f.code, f.message
        ));
        if let Some(fix) = &f.fix {
            out.push_str(&format!("    fix: {fix}\n"));
        }
    }
    out
}

/// The trace as a person reads it in a terminal.
fn render(trace: &Trace) -> String {
    let mut out = String::new();
    let verdict = match trace.outcome {
        cors_sim::Outcome::Allowed => "ALLOWED",
        cors_sim::Outcome::Blocked => "BLOCKED",
    };
    out.push_str(&format!("{verdict} in {}\n", trace.browser.display_name()));
    if let Some(b) = &trace.blocked {
        out.push_str("\nConsole:\n");
        for line in &b.console_lines {
            out.push_str(&format!("  {line}\n"));
        }
    }
    if let Some(err) = &trace.js.error {
        out.push_str(&format!("\nScript sees: {err}\n"));
    }
    out.push_str("\nSteps:\n");
    for step in &trace.steps {
        let mark = match step.result {
            StepResult::Pass => "PASS",
            StepResult::Fail => "FAIL",
            StepResult::Info => "INFO",
            StepResult::Warn => "WARN",
        };
        let phase = match step.phase {
            Phase::Page => "page",
            Phase::Preflight => "preflight",
            Phase::Server => "server",
            Phase::Actual => "actual",
            Phase::Js => "js",
        };
        out.push_str(&format!("  {mark} [{phase}] {}\n", step.title));
        for line in step.detail.lines() {
            out.push_str(&format!("       {line}\n"));
        }
        out.push_str(&format!("       ({})\n", step.source));
    }
    let mut exchange =
        |title: &str, req: Option<&Request>, resp: Option<&cors_sim::http::Response>| {
            if req.is_none() && resp.is_none() {
                return;
            }
            out.push_str(&format!("\n{title}:\n"));
            for raw in [req.map(Request::to_raw), resp.map(|r| r.to_raw())]
                .into_iter()
                .flatten()
            {
                for line in raw.replace("\r\n", "\n").trim_end().lines() {
                    out.push_str(&format!("  {line}\n"));
                }
                out.push('\n');
            }
        };
    if let Some(p) = &trace.preflight {
        exchange("Preflight", Some(&p.request), p.response.as_ref());
    }
    for hop in &trace.redirects {
        exchange("Redirect", Some(&hop.request), Some(&hop.response));
    }
    exchange(
        "Actual request",
        trace.request.as_ref(),
        trace.response.as_ref(),
    );
    if trace.response.is_some() && trace.outcome == cors_sim::Outcome::Allowed {
        out.push_str(&format!(
            "Readable headers: {}\n",
            if trace.readable_headers.is_empty() {
                "none".to_string()
            } else {
                trace.readable_headers.join(", ")
            }
        ));
    }
    out
}
