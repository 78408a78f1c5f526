//! The request as the JavaScript a page would run: `fetch()` or `XMLHttpRequest`, with only
//! the options that differ from the defaults, so what the simulation assumes is visible and can
//! be pasted into a console.

use crate::scenario::{Api, BodyKind, BodySpec, Credentials, Mode, RequestSpec};

/// A JavaScript string literal (JSON's string syntax is valid JavaScript).
fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The body as a JavaScript expression.
fn body_expr(body: &BodySpec) -> String {
    match body {
        BodySpec::Text(text) => js(text),
        BodySpec::Typed { kind, blob_type } => match kind {
            BodyKind::String => js("…"),
            BodyKind::Urlsearchparams => "new URLSearchParams({ a: \"1\" })".into(),
            BodyKind::Formdata => "new FormData(form)".into(),
            BodyKind::Blob => match blob_type {
                Some(t) => format!("new Blob([bytes], {{ type: {} }})", js(t)),
                None => "new Blob([bytes])".into(),
            },
            BodyKind::Buffer => "new Uint8Array([1, 2, 3])".into(),
            BodyKind::Stream => "stream".into(),
        },
    }
}

/// The script that makes `request`.
pub fn script_code(request: &RequestSpec) -> String {
    let method = request.method.trim();
    match request.api {
        Api::Fetch => {
            let mut options = Vec::new();
            // The method exactly as written: fetch sends `patch` as `patch`.
            if method != "GET" {
                options.push(format!("  method: {},", js(method)));
            }
            if !request.headers.is_empty() {
                let pairs: Vec<String> = request
                    .headers
                    .iter()
                    .map(|(n, v)| format!("    [{}, {}],", js(n), js(v)))
                    .collect();
                options.push(format!("  headers: [\n{}\n  ],", pairs.join("\n")));
            }
            match request.credentials {
                Credentials::SameOrigin => {}
                Credentials::Omit => options.push("  credentials: \"omit\",".into()),
                Credentials::Include => options.push("  credentials: \"include\",".into()),
            }
            match request.mode {
                Mode::Cors => {}
                Mode::NoCors => options.push("  mode: \"no-cors\",".into()),
                Mode::SameOrigin => options.push("  mode: \"same-origin\",".into()),
            }
            if let Some(body) = &request.body {
                options.push(format!("  body: {},", body_expr(body)));
                if matches!(
                    body,
                    BodySpec::Typed {
                        kind: BodyKind::Stream,
                        ..
                    }
                ) {
                    options.push("  duplex: \"half\",".into());
                }
            }
            if options.is_empty() {
                format!("const response = await fetch({});", js(&request.url))
            } else {
                format!(
                    "const response = await fetch({}, {{\n{}\n}});",
                    js(&request.url),
                    options.join("\n")
                )
            }
        }
        Api::Xhr => {
            let mut lines = vec![
                "const xhr = new XMLHttpRequest();".to_string(),
                format!("xhr.open({}, {});", js(method), js(&request.url)),
            ];
            if request.credentials == Credentials::Include {
                lines.push("xhr.withCredentials = true;".into());
            }
            for (n, v) in request.headers.iter() {
                lines.push(format!("xhr.setRequestHeader({}, {});", js(n), js(v)));
            }
            if request.upload_listeners {
                lines.push("xhr.upload.onprogress = (event) => {};".into());
            }
            lines.push(match &request.body {
                Some(body) => format!("xhr.send({});", body_expr(body)),
                None => "xhr.send();".into(),
            });
            lines.join("\n")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: &str) -> RequestSpec {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn fetch_lists_only_what_differs_from_the_defaults() {
        assert_eq!(
            script_code(&spec(
                r#"{"origin": "https://a.example", "url": "https://b.example/x"}"#
            )),
            "const response = await fetch(\"https://b.example/x\");"
        );
        let code = script_code(&spec(
            r#"{"origin": "https://a.example", "url": "https://b.example/x", "method": "patch",
                "headers": [["Content-Type", "application/json"]], "credentials": "include", "body": "{}"}"#,
        ));
        assert_eq!(
            code,
            "const response = await fetch(\"https://b.example/x\", {\n  method: \"patch\",\n  headers: [\n    [\"Content-Type\", \"application/json\"],\n  ],\n  credentials: \"include\",\n  body: \"{}\",\n});"
        );
    }

    #[test]
    fn xhr_uses_with_credentials_and_set_request_header() {
        let code = script_code(&spec(
            r#"{"origin": "https://a.example", "url": "https://b.example/x", "method": "PUT", "api": "xhr",
                "headers": [["X-A", "1"]], "credentials": "include", "upload_listeners": true, "body": "data"}"#,
        ));
        assert_eq!(
            code,
            "const xhr = new XMLHttpRequest();\nxhr.open(\"PUT\", \"https://b.example/x\");\nxhr.withCredentials = true;\nxhr.setRequestHeader(\"X-A\", \"1\");\nxhr.upload.onprogress = (event) => {};\nxhr.send(\"data\");"
        );
    }
}
