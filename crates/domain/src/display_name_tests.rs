use serde_json::Value;

use super::*;

/// The cases the frontend's tests read too, so both sides keep one rule.
const CASES: &str = include_str!("../tests/fixtures/names.json");

fn cases(section: &str) -> Vec<Value> {
    let all: Value = serde_json::from_str(CASES).expect("names.json is JSON");
    all[section].as_array().expect("a list of cases").clone()
}

fn text<'a>(case: &'a Value, key: &str) -> Option<&'a str> {
    case[key].as_str()
}

#[test]
fn names_people_have_are_accepted_as_typed_less_the_white_space_around_them() {
    let accepted = cases("accepted");
    assert!(accepted.len() > 10);
    for case in &accepted {
        let (input, note) = (text(case, "input").unwrap(), text(case, "note").unwrap());
        let name = DisplayName::parse(input).unwrap_or_else(|e| panic!("{note}: {input:?} refused: {e:?}"));
        assert_eq!(name.as_str(), text(case, "stored").unwrap(), "{note}");
    }
}

#[test]
fn names_that_hide_reorder_or_break_text_are_refused_with_their_code() {
    let refused = cases("refused");
    assert!(refused.len() > 10);
    for case in &refused {
        let (input, note) = (text(case, "input").unwrap(), text(case, "note").unwrap());
        let code = DisplayName::parse(input).map(|n| n.0).map_err(|e| e.code.as_str());
        assert_eq!(code, Err(text(case, "code").unwrap()), "{note}: {input:?}");
    }
}

#[test]
fn provider_names_keep_what_a_name_may_hold_and_drop_the_rest() {
    let email = Email::parse("jo.doe@example.com").unwrap();
    for case in cases("provider") {
        let note = text(&case, "note").unwrap();
        let name = DisplayName::from_provider(text(&case, "input"), &email);
        assert_eq!(name.as_str(), text(&case, "stored").unwrap(), "{note}");
        // What a provider gives is stored only in a form a person could have typed.
        assert!(DisplayName::parse(name.as_str()).is_ok(), "{note}: {:?}", name.as_str());
    }
}

#[test]
fn a_stored_name_is_kept_as_it_was_stored() {
    let older = "Renée\u{200B} O'Brien";
    assert!(DisplayName::parse(older).is_err());
    assert_eq!(DisplayName::from_stored(older.to_owned()).as_str(), older);
}
