//! Small helpers between DOM events and plain values.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::{Event, InputEvent, TargetCast};

/// The value of the `<input>` an input event came from.
pub fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// The value of the `<textarea>` an input event came from.
pub fn textarea_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlTextAreaElement>().value()
}

/// The value of the `<select>` a change event came from.
pub fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

/// The offset, in UTF-16 code units (what `setSelectionRange` counts), of a 1-based line and
/// character column in `text`, clamped to the end of that line and of the text.
pub fn utf16_offset(text: &str, line: u32, column: u32) -> u32 {
    let mut offset: usize = 0;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line as usize {
            let col: usize = l
                .chars()
                .take(column.saturating_sub(1) as usize)
                .map(char::len_utf16)
                .sum();
            offset += col;
            return u32::try_from(offset).unwrap_or(u32::MAX);
        }
        offset += l.encode_utf16().count() + 1;
    }
    u32::try_from(text.encode_utf16().count()).unwrap_or(u32::MAX)
}

/// Puts the caret of `textarea` at `line`:`column` and focuses it.
pub fn place_caret(textarea: &HtmlTextAreaElement, line: u32, column: u32) {
    let at = utf16_offset(&textarea.value(), line, column);
    let _ = textarea.focus();
    let _ = textarea.set_selection_range(at, at);
    // Focus alone does not scroll to a caret set afterwards; blur and focus again does.
    let _ = textarea.blur();
    let _ = textarea.focus();
}

/// [`place_caret`] in the textarea with this `id`, if there is one.
pub fn place_caret_in(id: &str, line: u32, column: u32) {
    use wasm_bindgen::JsCast;
    let textarea = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok());
    if let Some(t) = textarea {
        place_caret(&t, line, column);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_utf16_units_and_clamp() {
        let text = "ab\n😀x\nlast";
        assert_eq!(utf16_offset(text, 1, 1), 0);
        assert_eq!(utf16_offset(text, 2, 1), 3);
        // The emoji is one character but two UTF-16 units.
        assert_eq!(utf16_offset(text, 2, 2), 5);
        assert_eq!(utf16_offset(text, 2, 99), 6);
        assert_eq!(utf16_offset(text, 9, 1), 11);
    }
}
