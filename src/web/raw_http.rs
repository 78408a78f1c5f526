//! The exchanges as raw HTTP/1.1 text (from the core's `to_raw()`), each with a copy button.

use super::copy::CopyButton;
use crate::http::{Request, Response};
use crate::Trace;
use std::rc::Rc;
use yew::prelude::*;

/// The raw text as shown and copied: line breaks as `\n`, no trailing blank line.
pub fn display_raw(raw: &str) -> String {
    raw.replace("\r\n", "\n").trim_end_matches('\n').to_string()
}

/// Props of [`RawPane`].
#[derive(Properties, PartialEq)]
pub struct RawPaneProps {
    /// The caption.
    pub title: AttrValue,
    /// `data-testid` of the `<pre>`.
    pub testid: AttrValue,
    /// The text.
    pub text: AttrValue,
}

/// A monospace pane with a copy button.
#[component]
pub fn RawPane(props: &RawPaneProps) -> Html {
    let pre = use_node_ref();
    html! {
        <figure class="raw">
            <figcaption class="raw-head">
                <span class="raw-title">{ props.title.clone() }</span>
                <CopyButton text={props.text.clone()} what={props.title.clone()} select={pre.clone()} />
            </figcaption>
            <pre class="raw-text" data-testid={props.testid.clone()} ref={pre}>{ props.text.clone() }</pre>
        </figure>
    }
}

/// Props of [`RawHttp`].
#[derive(Properties, PartialEq)]
pub struct RawHttpProps {
    /// The trace.
    pub trace: Rc<Trace>,
}

fn request_pane(title: &str, testid: &'static str, r: &Request) -> Html {
    html! { <RawPane title={AttrValue::from(title.to_string())} testid={testid} text={display_raw(&r.to_raw())} /> }
}

fn response_pane(title: &str, testid: &'static str, r: &Response) -> Html {
    html! { <RawPane title={AttrValue::from(title.to_string())} testid={testid} text={display_raw(&r.to_raw())} /> }
}

fn note(text: &str) -> Html {
    html! { <p class="raw-note">{ text.to_string() }</p> }
}

/// Every exchange of the trace, in order.
#[component]
pub fn RawHttp(props: &RawHttpProps) -> Html {
    let t = &props.trace;
    let preflight = match &t.preflight {
        Some(p) => html! {
            <div class="exchange">
                <h3>{ "Preflight" }</h3>
                { request_pane("OPTIONS request", "raw-preflight-request", &p.request) }
                if let Some(resp) = &p.response {
                    { response_pane("Response", "raw-preflight-response", resp) }
                } else if p.from_cache {
                    { note("Answered from the browser's preflight cache: nothing went over the network.") }
                } else {
                    { note("No response arrived.") }
                }
            </div>
        },
        None => html! {
            <div class="exchange">
                <h3>{ "Preflight" }</h3>
                { note("No preflight was sent for this request.") }
            </div>
        },
    };
    let hops = t.redirects.iter().enumerate().map(|(i, hop)| {
        html! {
            <div class="exchange">
                <h3>{ format!("Redirect {}", i + 1) }</h3>
                { request_pane("Request", "raw-redirect-request", &hop.request) }
                { response_pane("Response", "raw-redirect-response", &hop.response) }
            </div>
        }
    });
    let actual = html! {
        <div class="exchange">
            <h3>{ "Actual request" }</h3>
            if let Some(r) = &t.request {
                { request_pane(&format!("{} request", r.method), "raw-request", r) }
            } else {
                { note("Never sent: the browser stopped before sending it.") }
            }
            if let Some(r) = &t.response {
                { response_pane("Response", "raw-response", r) }
            } else if t.request.is_some() {
                { note("No response reached the script's side.") }
            }
        </div>
    };
    html! {
        <div class="raw-http">
            { preflight }
            { for hops }
            { actual }
        </div>
    }
}
