//! Strings read from the wire without copying when they can be borrowed.

/// A string as read: borrowed from the input when it can be (it has no
/// escapes and the input outlives the decode), else copied out. Decoders
/// use it for keys, tags and method names they only look at, so the common
/// case allocates nothing.
pub(crate) enum WireStr<'de> {
    /// Borrowed from the input.
    Borrowed(&'de str),
    /// Copied out (the input had escapes, or cannot be borrowed from).
    Owned(String),
}

impl WireStr<'_> {
    /// The string.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            WireStr::Borrowed(text) => text,
            WireStr::Owned(text) => text,
        }
    }
}

impl From<WireStr<'_>> for String {
    fn from(text: WireStr<'_>) -> String {
        match text {
            WireStr::Borrowed(text) => text.to_owned(),
            WireStr::Owned(text) => text,
        }
    }
}

impl<'de> serde::Deserialize<'de> for WireStr<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> serde::de::Visitor<'de> for TextVisitor {
            type Value = WireStr<'de>;
            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, text: &'de str) -> Result<WireStr<'de>, E> {
                Ok(WireStr::Borrowed(text))
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<WireStr<'de>, E> {
                Ok(WireStr::Owned(text.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, text: String) -> Result<WireStr<'de>, E> {
                Ok(WireStr::Owned(text))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::WireStr;

    #[test]
    fn plain_strings_are_borrowed_and_escaped_ones_copied() {
        let plain: WireStr<'_> = serde_json::from_str(r#""item/completed""#).unwrap();
        assert!(matches!(plain, WireStr::Borrowed("item/completed")));
        let escaped: WireStr<'_> = serde_json::from_str(r#""item\/completed""#).unwrap();
        assert!(matches!(&escaped, WireStr::Owned(text) if text == "item/completed"));
        assert_eq!(String::from(escaped), "item/completed");
        assert!(serde_json::from_str::<WireStr<'_>>("5").is_err());
    }
}
