//! Every block reason, for every engine, through `simulate()`: the exact console text
//! (spec/browser-errors.md §2 and the observed-behaviour appendices of browser-cors.md).

use cors_sim::simulate_json;
use serde_json::{json, Value};

const URL: &str = "https://api.example/data";
const ORIGIN: &str = "https://foo.example";

/// How the server answers, and the request that meets it.
struct Case {
    name: &'static str,
    api: &'static str,
    credentials: &'static str,
    method: &'static str,
    headers: Value,
    preflight: Option<Value>,
    response: Value,
}

fn h(lines: &[(&str, &str)]) -> Value {
    Value::Array(lines.iter().map(|(n, v)| json!([n, v])).collect())
}

fn simple(name: &'static str, credentials: &'static str, response: &[(&str, &str)]) -> Case {
    Case {
        name,
        api: "fetch",
        credentials,
        method: "GET",
        headers: json!([]),
        preflight: None,
        response: json!({"status": 200, "headers": h(response)}),
    }
}

fn preflighted(
    name: &'static str,
    method: &'static str,
    headers: &[(&str, &str)],
    status: u16,
    preflight: &[(&str, &str)],
) -> Case {
    Case {
        name,
        api: "fetch",
        credentials: "same-origin",
        method,
        headers: h(headers),
        preflight: Some(json!({"status": status, "headers": h(preflight)})),
        response: json!({"status": 200, "headers": h(&[("Access-Control-Allow-Origin", "*")])}),
    }
}

fn cases() -> Vec<Case> {
    let acao = "Access-Control-Allow-Origin";
    vec![
        simple("missing_allow_origin", "same-origin", &[]),
        simple(
            "wildcard_origin_with_credentials",
            "include",
            &[(acao, "*")],
        ),
        simple(
            "multiple_allow_origin",
            "same-origin",
            &[(acao, ORIGIN), (acao, ORIGIN)],
        ),
        simple("invalid_allow_origin_value", "same-origin", &[(acao, "-")]),
        simple(
            "allow_origin_mismatch",
            "same-origin",
            &[(acao, "https://foo.example/")],
        ),
        simple("allow_credentials_not_true", "include", &[(acao, ORIGIN)]),
        preflighted("preflight_status_not_ok", "PUT", &[], 404, &[(acao, "*")]),
        preflighted(
            "preflight_redirect",
            "PUT",
            &[],
            302,
            &[(acao, "*"), ("Location", "https://api.example/elsewhere")],
        ),
        preflighted("preflight_missing_allow_origin", "PUT", &[], 200, &[]),
        preflighted(
            "allow_methods_unparsable",
            "PUT",
            &[],
            200,
            &[(acao, "*"), ("Access-Control-Allow-Methods", "PUT GET")],
        ),
        preflighted(
            "allow_headers_unparsable",
            "PUT",
            &[("X-Token", "1")],
            200,
            &[
                (acao, "*"),
                ("Access-Control-Allow-Methods", "PUT"),
                ("Access-Control-Allow-Headers", "x-token;"),
            ],
        ),
        preflighted(
            "method_not_allowed",
            "PUT",
            &[],
            200,
            &[(acao, "*"), ("Access-Control-Allow-Methods", "GET, POST")],
        ),
        preflighted(
            "header_not_allowed",
            "GET",
            &[("X-Token", "1")],
            200,
            &[(acao, "*"), ("Access-Control-Allow-Headers", "x-other")],
        ),
        Case {
            api: "xhr",
            ..simple(
                "xhr_wildcard_origin_with_credentials",
                "include",
                &[(acao, "*")],
            )
        },
        Case {
            api: "xhr",
            ..simple(
                "xhr_allow_origin_mismatch",
                "same-origin",
                &[(acao, "https://foo.example/")],
            )
        },
    ]
}

fn console(browser: &str, case: &Case) -> (String, Vec<String>, String) {
    let mut server = json!({"kind": "custom", "response": case.response});
    if let Some(p) = &case.preflight {
        server["preflight"] = p.clone();
    }
    let scenario = json!({"browser": browser, "server": server, "request": {
        "origin": ORIGIN, "url": URL, "method": case.method, "headers": case.headers,
        "credentials": case.credentials, "api": case.api}});
    let trace = simulate_json(&scenario.to_string()).expect("valid scenario");
    let blocked = trace
        .blocked
        .unwrap_or_else(|| panic!("{browser} {}: not blocked", case.name));
    (
        blocked.console,
        blocked.console_lines,
        trace.js.error.unwrap_or_default(),
    )
}

fn expect(browser: &str, expected: &[(&str, &str)]) {
    let cases = cases();
    for (name, want) in expected {
        let case = cases.iter().find(|c| c.name == *name).expect("known case");
        let (line, _, _) = console(browser, case);
        assert_eq!(&line, want, "{browser} {name}");
    }
}

const CR: &str = "Access to fetch at 'https://api.example/data' from origin 'https://foo.example' has been blocked by CORS policy: ";
const CR_XHR: &str = "Access to XMLHttpRequest at 'https://api.example/data' from origin 'https://foo.example' has been blocked by CORS policy: ";
const PF: &str = "Response to preflight request doesn't pass access control check: ";
const FF: &str = "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example/data. (Reason: ";

#[test]
fn chrome_prints_each_reason_with_its_prefix_and_suffix() {
    let valid = " Have the server send the header with a valid value.";
    let expected: Vec<(&str, String)> = vec![
        ("missing_allow_origin", format!("{CR}No 'Access-Control-Allow-Origin' header is present on the requested resource.")),
        ("wildcard_origin_with_credentials", format!("{CR}The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.")),
        ("multiple_allow_origin", format!("{CR}The 'Access-Control-Allow-Origin' header contains multiple values 'https://foo.example, https://foo.example', but only one is allowed.{valid}")),
        ("invalid_allow_origin_value", format!("{CR}The 'Access-Control-Allow-Origin' header contains the invalid value '-'.{valid}")),
        ("allow_origin_mismatch", format!("{CR}The 'Access-Control-Allow-Origin' header has a value 'https://foo.example/' that is not equal to the supplied origin.{valid}")),
        ("allow_credentials_not_true", format!("{CR}The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'.")),
        ("preflight_status_not_ok", format!("{CR}{PF}It does not have HTTP ok status.")),
        ("preflight_redirect", format!("{CR}{PF}Redirect is not allowed for a preflight request.")),
        ("preflight_missing_allow_origin", format!("{CR}{PF}No 'Access-Control-Allow-Origin' header is present on the requested resource.")),
        ("allow_methods_unparsable", format!("{CR}Cannot parse Access-Control-Allow-Methods response header field in preflight response.")),
        ("allow_headers_unparsable", format!("{CR}Cannot parse Access-Control-Allow-Headers response header field in preflight response.")),
        ("method_not_allowed", format!("{CR}Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.")),
        ("header_not_allowed", format!("{CR}Request header field x-token is not allowed by Access-Control-Allow-Headers in preflight response.")),
        ("xhr_wildcard_origin_with_credentials", format!("{CR_XHR}The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'. The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.")),
        ("xhr_allow_origin_mismatch", format!("{CR_XHR}The 'Access-Control-Allow-Origin' header has a value 'https://foo.example/' that is not equal to the supplied origin.")),
    ];
    let pairs: Vec<(&str, &str)> = expected.iter().map(|(n, s)| (*n, s.as_str())).collect();
    expect("chrome", &pairs);
    let (_, lines, js) = console("chrome", &cases()[0]);
    assert_eq!(lines[1], "Failed to load resource: net::ERR_FAILED");
    assert_eq!(js, "TypeError: Failed to fetch");
}

#[test]
fn firefox_prints_its_security_properties_lines() {
    let l = |reason: &str| format!("{FF}{reason}).");
    let expected: Vec<(&str, String)> = vec![
        ("missing_allow_origin", format!("{FF}CORS header \u{2018}Access-Control-Allow-Origin\u{2019} missing). Status code: 200.")),
        ("wildcard_origin_with_credentials", "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at \u{2018}https://api.example/data\u{2019}. (Reason: Credential is not supported if the CORS header \u{2018}Access-Control-Allow-Origin\u{2019} is \u{2018}*\u{2019}).".to_string()),
        ("multiple_allow_origin", l("Multiple CORS header \u{2018}Access-Control-Allow-Origin\u{2019} not allowed")),
        ("invalid_allow_origin_value", l("CORS header \u{2018}Access-Control-Allow-Origin\u{2019} does not match \u{2018}-\u{2019}")),
        ("allow_origin_mismatch", l("CORS header \u{2018}Access-Control-Allow-Origin\u{2019} does not match \u{2018}https://foo.example/\u{2019}")),
        ("allow_credentials_not_true", l("expected \u{2018}true\u{2019} in CORS header \u{2018}Access-Control-Allow-Credentials\u{2019}")),
        ("preflight_status_not_ok", format!("{FF}CORS preflight response did not succeed). Status code: 404.")),
        ("preflight_redirect", l("CORS request external redirect not allowed")),
        ("preflight_missing_allow_origin", format!("{FF}CORS header \u{2018}Access-Control-Allow-Origin\u{2019} missing). Status code: 200.")),
        ("allow_methods_unparsable", l("invalid token \u{2018}PUT GET\u{2019} in CORS header \u{2018}Access-Control-Allow-Methods\u{2019}")),
        ("allow_headers_unparsable", l("invalid token \u{2018}x-token;\u{2019} in CORS header \u{2018}Access-Control-Allow-Headers\u{2019}")),
        ("method_not_allowed", l("Did not find method in CORS header \u{2018}Access-Control-Allow-Methods\u{2019}")),
        ("header_not_allowed", l("header \u{2018}x-token\u{2019} is not allowed according to header \u{2018}Access-Control-Allow-Headers\u{2019} from CORS preflight response")),
    ];
    let pairs: Vec<(&str, &str)> = expected.iter().map(|(n, s)| (*n, s.as_str())).collect();
    expect("firefox", &pairs);
    // A failed preflight adds "did not succeed" with a (null) status; a redirected one adds
    // the preflight's own status line first.
    let cases = cases();
    let status = cases
        .iter()
        .find(|c| c.name == "preflight_status_not_ok")
        .unwrap();
    let (_, lines, js) = console("firefox", status);
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[1],
        format!("{FF}CORS request did not succeed). Status code: (null).")
    );
    assert_eq!(
        js,
        "TypeError: NetworkError when attempting to fetch resource."
    );
    let redirect = cases
        .iter()
        .find(|c| c.name == "preflight_redirect")
        .unwrap();
    let (_, lines, _) = console("firefox", redirect);
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[1],
        format!("{FF}CORS preflight response did not succeed). Status code: 302.")
    );
}

#[test]
fn safari_prints_webkit_reasons_then_the_api_line() {
    let not_allowed = "Origin https://foo.example is not allowed by Access-Control-Allow-Origin. Status code: 200";
    let expected: Vec<(&str, &str)> = vec![
        ("missing_allow_origin", not_allowed),
        (
            "wildcard_origin_with_credentials",
            "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.",
        ),
        (
            "multiple_allow_origin",
            "Access-Control-Allow-Origin cannot contain more than one origin.",
        ),
        ("invalid_allow_origin_value", not_allowed),
        ("allow_origin_mismatch", not_allowed),
        (
            "allow_credentials_not_true",
            "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\".",
        ),
        (
            "preflight_status_not_ok",
            "Preflight response is not successful. Status code: 404",
        ),
        (
            "preflight_redirect",
            "Preflight response is not successful. Status code: 302",
        ),
        ("preflight_missing_allow_origin", not_allowed),
        (
            "allow_methods_unparsable",
            "Header Access-Control-Allow-Methods has an invalid value: PUT GET",
        ),
        (
            "allow_headers_unparsable",
            "Header Access-Control-Allow-Headers has an invalid value: x-token;",
        ),
        (
            "method_not_allowed",
            "Method PUT is not allowed by Access-Control-Allow-Methods.",
        ),
        // WebKit quotes the header name as the script wrote it.
        (
            "header_not_allowed",
            "Request header field X-Token is not allowed by Access-Control-Allow-Headers.",
        ),
    ];
    expect("safari", &expected);
    let (_, lines, js) = console("safari", &cases()[0]);
    assert_eq!(
        lines[1],
        "Fetch API cannot load https://api.example/data due to access control checks."
    );
    assert_eq!(js, "TypeError: Load failed");
}

#[test]
fn safari_checks_the_preflight_status_before_allow_origin() {
    // A 500 preflight without Access-Control-Allow-Origin: Chrome and Firefox report the
    // missing header, Safari the status.
    let case = preflighted("status_and_origin", "PUT", &[], 500, &[]);
    assert!(console("chrome", &case).0.ends_with(
        "No 'Access-Control-Allow-Origin' header is present on the requested resource."
    ));
    assert!(console("firefox", &case)
        .0
        .contains("missing). Status code: 500."));
    assert_eq!(
        console("safari", &case).0,
        "Preflight response is not successful. Status code: 500"
    );
}

#[test]
fn mode_and_method_errors_before_sending() {
    let scenario = |browser: &str, mode: &str, method: &str| {
        json!({"browser": browser, "server": {"kind": "custom", "response": {"status": 200}},
               "request": {"origin": ORIGIN, "url": URL, "mode": mode, "method": method}})
        .to_string()
    };
    let t = simulate_json(&scenario("chrome", "same-origin", "GET")).unwrap();
    assert_eq!(
        t.blocked.unwrap().console,
        "Fetch API cannot load https://api.example/data. Request mode is \"same-origin\" but the URL's origin is not same as the request origin https://foo.example."
    );
    let t = simulate_json(&scenario("chrome", "no-cors", "PUT")).unwrap();
    assert_eq!(
        t.js.error.as_deref(),
        Some("TypeError: Failed to execute 'fetch' on 'Window': 'PUT' is unsupported in no-cors mode.")
    );
    assert!(t.request.is_none());
    let t = simulate_json(&scenario("firefox", "no-cors", "PUT")).unwrap();
    assert_eq!(
        t.js.error.as_deref(),
        Some("TypeError: Window.fetch: Invalid request method PUT.")
    );
    let t = simulate_json(&scenario("safari", "no-cors", "PUT")).unwrap();
    assert_eq!(
        t.js.error.as_deref(),
        Some("TypeError: Method must be GET, POST or HEAD in no-cors mode.")
    );
    // no-cors GET: sent, opaque, never a CORS failure.
    let t = simulate_json(&scenario("chrome", "no-cors", "GET")).unwrap();
    assert_eq!(t.outcome, cors_sim::Outcome::Allowed);
    assert_eq!(t.js.response_type, "opaque");
    assert!(t.readable_headers.is_empty());
}

#[test]
fn authorization_under_a_wildcard_passes_with_a_warning_but_not_with_credentials() {
    let scenario = |credentials: &str| {
        json!({"server": {"kind": "custom",
                "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", ORIGIN], ["Access-Control-Allow-Headers", "*"], ["Access-Control-Allow-Credentials", "true"]]},
                "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", ORIGIN], ["Access-Control-Allow-Credentials", "true"]]}},
               "request": {"origin": ORIGIN, "url": URL, "headers": [["Authorization", "Bearer t"]], "credentials": credentials}})
        .to_string()
    };
    let t = simulate_json(&scenario("same-origin")).unwrap();
    assert_eq!(t.outcome, cors_sim::Outcome::Allowed);
    assert!(t
        .steps
        .iter()
        .any(|s| s.result == cors_sim::StepResult::Warn
            && s.detail.contains("Authorization will not be covered")));
    let t = simulate_json(&scenario("include")).unwrap();
    assert_eq!(
        t.blocked.unwrap().console,
        format!("{CR}Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response.")
    );
}
