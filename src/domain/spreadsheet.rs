//! spreadsheet: text written into a CSV that Excel or WPS opens, kept from running there as a
//! formula (CSV injection): a customer's words or a typed department name such as
//! `=HYPERLINK("http://…?"&A2)` would otherwise send other cells of the sheet elsewhere.

/// The cell's text as a spreadsheet shows it, never run: text starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading `'`, which the spreadsheet hides.
pub fn safe_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_quoted_and_plain_text_is_not() {
        assert_eq!(safe_cell("=1+2"), "'=1+2");
        assert_eq!(safe_cell("+86 138"), "'+86 138");
        assert_eq!(safe_cell("-x"), "'-x");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("\t=1"), "'\t=1");
        assert_eq!(safe_cell("客服部"), "客服部");
        assert_eq!(safe_cell("a=b"), "a=b");
        assert_eq!(safe_cell("12"), "12");
        assert_eq!(safe_cell(""), "");
    }
}
