//! Each case is a line as people write it and the value Docker Compose v2 gives it.

use super::parse;

fn read(text: &str) -> Vec<(String, String)> {
    read_with(text, &[]).unwrap_or_else(|problems| panic!("{problems:?}"))
}

fn read_with(text: &str, environment: &[(&str, &str)]) -> Result<Vec<(String, String)>, Vec<String>> {
    let environment: Vec<(String, String)> = environment.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let parsed = parse(text, &|name| environment.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()));
    if parsed.problems.is_empty() { Ok(parsed.vars) } else { Err(parsed.problems) }
}

fn value(line: &str) -> String {
    let vars = read(line);
    assert_eq!(vars.len(), 1, "{line:?} gave {vars:?}");
    vars[0].1.clone()
}

#[test]
fn unquoted_values_are_trimmed_and_keep_inner_spaces() {
    assert_eq!(
        value("CORS_ORIGINS=https://a.example.com, https://b.example.com"),
        "https://a.example.com, https://b.example.com"
    );
    assert_eq!(value("NAME =  two words  \t"), "two words");
    assert_eq!(value("CRLF=value\r\n"), "value");
    assert_eq!(value("EMPTY="), "");
    assert_eq!(value("YAML: style"), "style");
    assert_eq!(value("URL=postgres://u:p@h:5432/d?sslmode=require"), "postgres://u:p@h:5432/d?sslmode=require");
}

#[test]
fn comments_are_whole_lines_or_start_with_a_space_and_hash() {
    assert_eq!(read("# a comment\n  # indented\n\nA=1 # trailing\n"), [("A".to_owned(), "1".to_owned())]);
    assert_eq!(value("PASSWORD=abc#def"), "abc#def");
    assert_eq!(value("COLOUR=#fff"), "#fff");
    assert_eq!(value("Q=\"a # b\" # comment"), "a # b");
}

#[test]
fn export_prefixes_are_dropped() {
    assert_eq!(value("export BCRYPT_COST=11"), "11");
    assert_eq!(value("export\tA=1"), "1");
    assert_eq!(read("exported=1"), [("exported".to_owned(), "1".to_owned())]);
}

#[test]
fn a_name_alone_takes_its_value_from_the_environment() {
    assert_eq!(read("export FOO\nBAR\nA=1"), [("A".to_owned(), "1".to_owned())]);
}

#[test]
fn single_quotes_are_literal() {
    assert_eq!(value(r"A='$HOME \n ${X} # not a comment'"), r"$HOME \n ${X} # not a comment");
    assert_eq!(value(r"A='it\'s'"), "it's");
}

#[test]
fn double_quotes_take_escapes_and_variables() {
    assert_eq!(value(r#"A="line\nnext\ttab \"q\" back\\slash""#), "line\nnext\ttab \"q\" back\\slash");
    assert_eq!(value(r#"A="cost \$5 and $$6""#), "cost $5 and $6");
    assert_eq!(value(r#"A="\0101\z""#), "A\\z");
    assert_eq!(value("A=\"first\nsecond\"\n"), "first\nsecond");
}

#[test]
fn variables_come_from_the_environment_then_earlier_lines() {
    let vars =
        read_with("HOST=file\nPORT=5432\nURL=postgres://$HOST:${PORT}/db\nRAW='$HOST'", &[("HOST", "env")]).unwrap();
    assert_eq!(vars[2].1, "postgres://env:5432/db");
    assert_eq!(vars[3].1, "$HOST");
    assert_eq!(value("A=${UNSET:-fallback}"), "fallback");
    assert_eq!(value("SECRET=p4$$word$"), "p4$word$");
}

#[test]
fn bad_lines_are_named_and_the_others_still_checked() {
    let problems = read_with("A=1\nB+C=2\nD=3\nbad name=4\n=5\nE=${oops\nF=\"x\" y\n", &[]).unwrap_err();
    let lines: Vec<&str> = problems.iter().map(|p| p.split(':').next().unwrap_or("")).collect();
    assert_eq!(lines, ["line 2", "line 4", "line 5", "line 6", "line 7"], "{problems:?}");
}

#[test]
fn an_unterminated_quote_stops_the_read_and_never_echoes_the_value() {
    let problems = read_with("A=1\nSECRET_KEY=\"s3cr3t\nB=2\n", &[]).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("line 2:") && problems[0].contains("SECRET_KEY"), "{problems:?}");
    assert!(!problems[0].contains("s3cr3t"), "{problems:?}");
}

#[test]
fn line_numbers_count_multi_line_values_and_blank_lines() {
    let problems = read_with("\n\nA=\"one\ntwo\"\n# note\nB C=1\n", &[]).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert!(problems[0].starts_with("line 6:"), "{problems:?}");
}

#[test]
fn the_example_file_reads_without_a_problem() {
    let vars = read_with(include_str!("../../../../.env.example"), &[]).unwrap();
    assert!(vars.iter().any(|(k, v)| k == "DATABASE_URL" && v == "sqlite://yoshikosan.db?mode=rwc"), "{vars:?}");
}
