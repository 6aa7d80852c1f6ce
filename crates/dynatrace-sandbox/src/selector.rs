//! The `apiTokenSelector` query parameter: `owner("…")`, `personalAccessToken(true|false)` and
//! `scope("a","b")`, joined by commas. Values inside one criterion are ORed, criteria are ANDed.
//! Inside quotes, `~` escapes `"` and `~`, as in Dynatrace's other selectors. There is no
//! `name(…)` criterion: the API reference in `@dynatrace-sdk/client-classic-environment-v2`
//! 9.0.1 lists only these three, so any other criterion gets a 400.

use crate::store::TokenRecord;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Criterion {
    Owner(Vec<String>),
    PersonalAccessToken(bool),
    Scope(Vec<String>),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Selector {
    criteria: Vec<Criterion>,
}

impl Selector {
    /// Parses a selector; the error is a message for a constraint violation.
    pub fn parse(input: &str) -> Result<Selector, String> {
        let mut parser = Parser { rest: input.trim() };
        let mut criteria = Vec::new();
        while !parser.rest.is_empty() {
            criteria.push(parser.criterion()?);
            parser.skip_whitespace();
            if parser.rest.is_empty() {
                break;
            }
            parser.expect(',')?;
            parser.skip_whitespace();
            if parser.rest.is_empty() {
                return Err("expected a criterion after the last ','".to_owned());
            }
        }
        Ok(Selector { criteria })
    }

    pub fn matches(&self, record: &TokenRecord) -> bool {
        self.criteria.iter().all(|criterion| match criterion {
            Criterion::Owner(owners) => owners.contains(&record.owner),
            Criterion::PersonalAccessToken(personal) => record.personal_access_token == *personal,
            Criterion::Scope(scopes) => scopes.iter().any(|scope| record.scopes.contains(scope)),
        })
    }
}

struct Parser<'a> {
    rest: &'a str,
}

impl Parser<'_> {
    fn criterion(&mut self) -> Result<Criterion, String> {
        let name_end = self.rest.find('(').ok_or_else(|| {
            format!(
                "expected a criterion such as owner(\"name\") at '{}'",
                self.rest
            )
        })?;
        let name = self.rest[..name_end].trim().to_owned();
        self.rest = &self.rest[name_end + 1..];

        let values = self.values()?;
        if values.is_empty() {
            return Err(format!("the criterion {name}() needs at least one value"));
        }
        match name.as_str() {
            "owner" => Ok(Criterion::Owner(
                values.into_iter().map(|value| value.text).collect(),
            )),
            "scope" => Ok(Criterion::Scope(
                values.into_iter().map(|value| value.text).collect(),
            )),
            "personalAccessToken" => match values.as_slice() {
                [value] if value.text == "true" => Ok(Criterion::PersonalAccessToken(true)),
                [value] if value.text == "false" => Ok(Criterion::PersonalAccessToken(false)),
                _ => Err("personalAccessToken() takes one value, true or false".to_owned()),
            },
            other => Err(format!(
                "unknown criterion '{other}'; use owner, personalAccessToken or scope"
            )),
        }
    }

    /// Parses `value, value, …)` after the opening bracket.
    fn values(&mut self) -> Result<Vec<Value>, String> {
        let mut values = Vec::new();
        loop {
            self.skip_whitespace();
            if let Some(rest) = self.rest.strip_prefix(')') {
                self.rest = rest;
                return Ok(values);
            }
            if !values.is_empty() {
                self.expect(',')?;
                self.skip_whitespace();
            }
            values.push(self.value()?);
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        if let Some(rest) = self.rest.strip_prefix('"') {
            let mut text = String::new();
            let mut characters = rest.char_indices();
            while let Some((index, character)) = characters.next() {
                match character {
                    '~' => match characters.next() {
                        Some((_, escaped)) => text.push(escaped),
                        None => break,
                    },
                    '"' => {
                        self.rest = &rest[index + 1..];
                        return Ok(Value { text });
                    }
                    other => text.push(other),
                }
            }
            return Err("a quoted value is not closed with \"".to_owned());
        }

        let end = self.rest.find([',', ')']).unwrap_or(self.rest.len());
        let text = self.rest[..end].trim().to_owned();
        if text.is_empty() {
            return Err(format!("expected a value at '{}'", self.rest));
        }
        self.rest = &self.rest[end..];
        Ok(Value { text })
    }

    fn expect(&mut self, expected: char) -> Result<(), String> {
        match self.rest.strip_prefix(expected) {
            Some(rest) => {
                self.rest = rest;
                Ok(())
            }
            None if self.rest.is_empty() => Err(format!("expected '{expected}' at the end")),
            None => Err(format!("expected '{expected}' at '{}'", self.rest)),
        }
    }

    fn skip_whitespace(&mut self) {
        self.rest = self.rest.trim_start();
    }
}

struct Value {
    text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_parse() {
        let selector =
            Selector::parse(r#"owner("a@b.c"), personalAccessToken(false),scope("x","y ~"z~~")"#)
                .unwrap();

        assert_eq!(
            selector.criteria,
            vec![
                Criterion::Owner(vec!["a@b.c".to_owned()]),
                Criterion::PersonalAccessToken(false),
                Criterion::Scope(vec!["x".to_owned(), "y \"z~".to_owned()]),
            ]
        );
    }

    #[test]
    fn quoted_commas_and_brackets_stay_in_values() {
        let selector = Selector::parse(r#"owner("a,b)c")"#).unwrap();

        assert_eq!(
            selector.criteria,
            vec![Criterion::Owner(vec!["a,b)c".to_owned()])]
        );
    }

    #[test]
    fn empty_selector_matches_everything() {
        assert_eq!(Selector::parse("").unwrap(), Selector::default());
    }

    #[test]
    fn malformed_selectors_are_rejected() {
        for input in [
            "owner",
            "owner(",
            r#"owner("a""#,
            "owner()",
            r#"name("x")"#,
            "personalAccessToken(maybe)",
            "personalAccessToken(true,false)",
            r#"owner("a") scope("b")"#,
            r#"owner("a"),"#,
        ] {
            assert!(
                Selector::parse(input).is_err(),
                "{input:?} should be rejected"
            );
        }
    }
}
