//! What a body is, for showing it: JSON, markup, text, binary or an image.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BinaryInfo {
    pub mime: &'static str,
    pub description: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    /// "PNG", "JPEG", "GIF", "WebP", "BMP", …
    pub format: &'static str,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Xml,
    Html,
    Yaml,
    Text,
    Binary(BinaryInfo),
    Image(ImageInfo),
}

impl BodyKind {
    /// Whether the body should be decoded and shown as text.
    pub fn is_text(&self) -> bool {
        !matches!(self, BodyKind::Binary(_) | BodyKind::Image(_))
    }

    /// A short name for status lines ("JSON", "PNG image", "gzip-compressed data").
    pub fn label(&self) -> String {
        match self {
            BodyKind::Json => "JSON".into(),
            BodyKind::Xml => "XML".into(),
            BodyKind::Html => "HTML".into(),
            BodyKind::Yaml => "YAML".into(),
            BodyKind::Text => "text".into(),
            BodyKind::Binary(info) => info.description.into(),
            BodyKind::Image(info) => match (info.width, info.height) {
                (Some(w), Some(h)) => format!("{} image, {w}×{h}", info.format),
                _ => format!("{} image", info.format),
            },
        }
    }
}
