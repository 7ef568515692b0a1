//! Resume files: the type is decided by content (magic bytes), never by the name or the claimed
//! content type. Accepted: PDF, DOC, DOCX (a real Word document, no macros), RTF, plain text.

use std::io::{Cursor, Read};

use sha2::{Digest, Sha256};

/// Largest resume accepted (10 MiB).
pub const MAX_RESUME_BYTES: usize = 10 * 1024 * 1024;

/// The `accept` attribute of a resume input.
pub const ACCEPT: &str = ".pdf,.doc,.docx,.rtf,.txt,application/pdf,application/msword,\
    application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/rtf,text/plain";

/// A detected resume type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResumeKind {
    Pdf,
    Doc,
    Docx,
    Rtf,
    Text,
}

impl ResumeKind {
    pub fn content_type(self) -> &'static str {
        match self {
            ResumeKind::Pdf => "application/pdf",
            ResumeKind::Doc => "application/msword",
            ResumeKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            ResumeKind::Rtf => "application/rtf",
            ResumeKind::Text => "text/plain; charset=utf-8",
        }
    }

    /// The kind a stored content type names, by its essence (`text/plain; charset=utf-8` and
    /// `TEXT/PLAIN` are both text); `None` for a type intake never stores.
    pub fn from_content_type(stored: &str) -> Option<Self> {
        let essence = stored.split(';').next().unwrap_or_default().trim();
        [
            ResumeKind::Pdf,
            ResumeKind::Doc,
            ResumeKind::Docx,
            ResumeKind::Rtf,
            ResumeKind::Text,
        ]
        .into_iter()
        .find(|k| {
            let own = k.content_type().split(';').next().unwrap_or_default();
            own.eq_ignore_ascii_case(essence)
                || (*k == ResumeKind::Rtf && essence.eq_ignore_ascii_case("text/rtf"))
        })
    }

    pub fn extension(self) -> &'static str {
        match self {
            ResumeKind::Pdf => "pdf",
            ResumeKind::Doc => "doc",
            ResumeKind::Docx => "docx",
            ResumeKind::Rtf => "rtf",
            ResumeKind::Text => "txt",
        }
    }
}

/// Why a file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResumeError {
    #[error("The resume is larger than 10 MiB.")]
    TooLarge,
    #[error("The resume is empty.")]
    Empty,
    #[error("Upload the resume as PDF, DOC, DOCX, RTF or plain text.")]
    UnsupportedType,
    #[error("Word documents with macros are not accepted; save it as .docx or PDF.")]
    Macros,
}

/// Decides the type of `data` by its content.
pub fn sniff(data: &[u8]) -> Result<ResumeKind, ResumeError> {
    if data.is_empty() {
        return Err(ResumeError::Empty);
    }
    if data.len() > MAX_RESUME_BYTES {
        return Err(ResumeError::TooLarge);
    }
    if data.starts_with(b"%PDF-") {
        return Ok(ResumeKind::Pdf);
    }
    if infer::archive::is_rtf(data) {
        return Ok(ResumeKind::Rtf);
    }
    if infer::doc::is_doc(data) {
        return Ok(ResumeKind::Doc);
    }
    if data.starts_with(b"PK\x03\x04") {
        return check_docx(data).map(|()| ResumeKind::Docx);
    }
    if is_plain_text(data) {
        return Ok(ResumeKind::Text);
    }
    Err(ResumeError::UnsupportedType)
}

/// A DOCX is a zip whose content types declare a Word main document, with no VBA project.
fn check_docx(data: &[u8]) -> Result<(), ResumeError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(data)).map_err(|_| ResumeError::UnsupportedType)?;
    if zip.len() > 5_000 {
        return Err(ResumeError::UnsupportedType);
    }
    if zip
        .file_names()
        .any(|n| n.to_ascii_lowercase().ends_with("vbaproject.bin"))
    {
        return Err(ResumeError::Macros);
    }
    let mut types = String::new();
    {
        let entry = zip
            .by_name("[Content_Types].xml")
            .map_err(|_| ResumeError::UnsupportedType)?;
        // Read at most 1 MiB: a zip bomb must not expand in memory.
        entry
            .take(1024 * 1024)
            .read_to_string(&mut types)
            .map_err(|_| ResumeError::UnsupportedType)?;
    }
    let lower = types.to_ascii_lowercase();
    if lower.contains("macroenabled") {
        return Err(ResumeError::Macros);
    }
    if !lower.contains("wordprocessingml.document.main+xml") {
        return Err(ResumeError::UnsupportedType);
    }
    if zip.by_name("word/document.xml").is_err() {
        return Err(ResumeError::UnsupportedType);
    }
    Ok(())
}

/// UTF-8 without control characters other than whitespace.
fn is_plain_text(data: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(data) else {
        return false;
    };
    s.chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\x0c'))
}

/// Hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// A display file name: the last path component, without control characters, at most 200
/// characters, ending in the detected type's extension.
pub fn clean_filename(name: &str, kind: ResumeKind) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let base: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let base = base.trim();
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ if !base.is_empty() => base,
        _ => "resume",
    };
    format!("{stem}.{}", kind.extension())
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;

    use super::*;

    /// A minimal zip with the given entries, for tests.
    pub(crate) fn zip_with(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default();
            for (name, body) in entries {
                w.start_file(*name, opts).unwrap();
                w.write_all(body.as_bytes()).unwrap();
            }
            w.finish().unwrap();
        }
        buf.into_inner()
    }

    const WORD_TYPES: &str = r#"<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

    #[test]
    fn types_are_decided_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Ok(ResumeKind::Pdf));
        assert_eq!(sniff(b"{\\rtf1\\ansi hello}"), Ok(ResumeKind::Rtf));
        assert_eq!(
            sniff("Jane Doe\nRust engineer — Berlin\n".as_bytes()),
            Ok(ResumeKind::Text)
        );
        let docx = zip_with(&[
            ("[Content_Types].xml", WORD_TYPES),
            ("word/document.xml", "<w:document/>"),
        ]);
        assert_eq!(sniff(&docx), Ok(ResumeKind::Docx));
    }

    #[test]
    fn zips_executables_and_macro_documents_are_refused() {
        let plain_zip = zip_with(&[("notes.txt", "hello")]);
        assert_eq!(sniff(&plain_zip), Err(ResumeError::UnsupportedType));
        let docm = zip_with(&[
            ("[Content_Types].xml", WORD_TYPES),
            ("word/document.xml", "<w:document/>"),
            ("word/vbaProject.bin", "evil"),
        ]);
        assert_eq!(sniff(&docm), Err(ResumeError::Macros));
        assert_eq!(
            sniff(b"MZ\x90\x00\x03\x00\x00\x00"),
            Err(ResumeError::UnsupportedType)
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0"),
            Err(ResumeError::UnsupportedType)
        );
        assert_eq!(sniff(b""), Err(ResumeError::Empty));
        assert_eq!(
            sniff(&vec![b'a'; MAX_RESUME_BYTES + 1]),
            Err(ResumeError::TooLarge)
        );
    }

    #[test]
    fn file_names_are_cleaned_and_get_the_detected_extension() {
        assert_eq!(
            clean_filename("C:\\Users\\x\\cv.PDF", ResumeKind::Pdf),
            "cv.pdf"
        );
        assert_eq!(
            clean_filename("../../etc/passwd", ResumeKind::Text),
            "passwd.txt"
        );
        assert_eq!(clean_filename("", ResumeKind::Docx), "resume.docx");
        assert_eq!(clean_filename("evil.zip", ResumeKind::Pdf), "evil.pdf");
    }
}
