//! ANSI escape sequences in logs: SGR colours (16, 256 and RGB), bold, italic, underline and
//! dim are kept as styles; every other escape sequence is dropped. The parser keeps its state
//! across calls, so a colour set in one chunk or line carries on into the next until reset.

use egui::Color32;

/// How a run of text looks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Style {
    /// Foreground colour (`None`: the default).
    pub fg: Option<Color32>,
    /// Background colour.
    pub bg: Option<Color32>,
    /// Bold (shown brighter: egui's fonts have no bold face).
    pub bold: bool,
    /// Dim.
    pub dim: bool,
    /// Italic.
    pub italic: bool,
    /// Underlined.
    pub underline: bool,
}

/// The 16 basic colours (normal then bright), as a dark terminal shows them.
const BASIC: [Color32; 16] = [
    Color32::from_rgb(0x3b, 0x3f, 0x47),
    Color32::from_rgb(0xe0, 0x6c, 0x75),
    Color32::from_rgb(0x98, 0xc3, 0x79),
    Color32::from_rgb(0xe5, 0xc0, 0x7b),
    Color32::from_rgb(0x61, 0xaf, 0xef),
    Color32::from_rgb(0xc6, 0x78, 0xdd),
    Color32::from_rgb(0x56, 0xb6, 0xc2),
    Color32::from_rgb(0xdc, 0xdf, 0xe4),
    Color32::from_rgb(0x5c, 0x63, 0x70),
    Color32::from_rgb(0xff, 0x7b, 0x86),
    Color32::from_rgb(0xb5, 0xe8, 0x90),
    Color32::from_rgb(0xff, 0xd6, 0x8a),
    Color32::from_rgb(0x7c, 0xc4, 0xff),
    Color32::from_rgb(0xe2, 0x96, 0xf5),
    Color32::from_rgb(0x70, 0xd6, 0xe2),
    Color32::from_rgb(0xff, 0xff, 0xff),
];

/// The xterm 256-colour palette entry `n`.
pub fn palette(n: u8) -> Color32 {
    match n {
        0..=15 => BASIC[n as usize],
        16..=231 => {
            let n = n - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            Color32::from_rgb(level(n / 36), level((n / 6) % 6), level(n % 6))
        }
        232..=255 => {
            let gray = 8 + (n - 232) * 10;
            Color32::from_gray(gray)
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
enum Mode {
    #[default]
    Text,
    Escape,
    Csi,
    Osc,
    OscEscape,
}

/// The parser, with its state between calls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Parser {
    style: Style,
    mode: Mode,
    params: Vec<u8>,
}

impl Parser {
    /// The style text written now would have.
    pub fn style(&self) -> Style {
        self.style
    }

    /// Parses `bytes`, appending styled runs of text to `out` (adjacent runs of one style
    /// are merged). An escape sequence cut off at the end continues in the next call.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<(Style, String)>) {
        let mut text: Vec<u8> = Vec::new();
        let flush = |text: &mut Vec<u8>, style: Style, out: &mut Vec<(Style, String)>| {
            if text.is_empty() {
                return;
            }
            let chunk = String::from_utf8_lossy(text).into_owned();
            match out.last_mut() {
                Some((last, run)) if *last == style => run.push_str(&chunk),
                _ => out.push((style, chunk)),
            }
            text.clear();
        };
        for &byte in bytes {
            match self.mode {
                Mode::Text => match byte {
                    0x1b => {
                        flush(&mut text, self.style, out);
                        self.mode = Mode::Escape;
                    }
                    b'\t' => text.extend_from_slice(b"    "),
                    0x00..=0x1f if byte != b'\n' => {}
                    _ => text.push(byte),
                },
                _ => self.escape_byte(byte),
            }
        }
        flush(&mut text, self.style, out);
    }

    /// Follows `bytes` for their effect on the style only, producing no text: what the line
    /// index needs, at a fraction of [`Parser::feed`]'s cost.
    pub fn advance(&mut self, mut bytes: &[u8]) {
        while let Some((&byte, rest)) = bytes.split_first() {
            if self.mode == Mode::Text {
                let Some(at) = memchr::memchr(0x1b, bytes) else {
                    return;
                };
                self.mode = Mode::Escape;
                bytes = &bytes[at + 1..];
            } else {
                self.escape_byte(byte);
                bytes = rest;
            }
        }
    }

    /// One byte of an escape sequence.
    fn escape_byte(&mut self, byte: u8) {
        match self.mode {
            Mode::Text => {}
            Mode::Escape => {
                self.mode = match byte {
                    b'[' => {
                        self.params.clear();
                        Mode::Csi
                    }
                    b']' => Mode::Osc,
                    _ => Mode::Text,
                }
            }
            Mode::Csi => {
                if (0x40..=0x7e).contains(&byte) {
                    if byte == b'm' {
                        self.apply_sgr();
                    }
                    self.mode = Mode::Text;
                } else {
                    self.params.push(byte);
                }
            }
            Mode::Osc => match byte {
                0x07 => self.mode = Mode::Text,
                0x1b => self.mode = Mode::OscEscape,
                _ => {}
            },
            Mode::OscEscape => self.mode = if byte == b'\\' { Mode::Text } else { Mode::Osc },
        }
    }

    fn apply_sgr(&mut self) {
        let params: Vec<u16> = if self.params.is_empty() {
            vec![0]
        } else {
            self.params
                .split(|&b| b == b';' || b == b':')
                .map(|part| {
                    std::str::from_utf8(part)
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0)
                })
                .collect()
        };
        let mut i = 0;
        while i < params.len() {
            let style = &mut self.style;
            match params[i] {
                0 => *style = Style::default(),
                1 => style.bold = true,
                2 => style.dim = true,
                3 => style.italic = true,
                4 => style.underline = true,
                22 => {
                    style.bold = false;
                    style.dim = false;
                }
                23 => style.italic = false,
                24 => style.underline = false,
                n @ 30..=37 => style.fg = Some(BASIC[(n - 30) as usize]),
                39 => style.fg = None,
                n @ 40..=47 => style.bg = Some(BASIC[(n - 40) as usize]),
                49 => style.bg = None,
                n @ 90..=97 => style.fg = Some(BASIC[(n - 90 + 8) as usize]),
                n @ 100..=107 => style.bg = Some(BASIC[(n - 100 + 8) as usize]),
                n @ (38 | 48) => {
                    let color = match params.get(i + 1) {
                        Some(5) => {
                            let c = params.get(i + 2).map(|&v| palette(v.min(255) as u8));
                            i += 2;
                            c
                        }
                        Some(2) => {
                            let rgb =
                                |k: usize| params.get(i + k).copied().unwrap_or(0).min(255) as u8;
                            let c = Some(Color32::from_rgb(rgb(2), rgb(3), rgb(4)));
                            i += 4;
                            c
                        }
                        _ => None,
                    };
                    if n == 38 {
                        style.fg = color;
                    } else {
                        style.bg = color;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(parser: &mut Parser, input: &[u8]) -> Vec<(Style, String)> {
        let mut out = Vec::new();
        parser.feed(input, &mut out);
        out
    }

    #[test]
    fn advancing_reaches_the_state_feeding_does() {
        let input: &[u8] = b"plain \x1b[1;38;5;208mbold orange\x1b]0;title\x07 \x1b[4munder\x1b[0m \x1b[38;2;1;2;3mrgb \x1b[";
        for cut in 0..input.len() {
            let (mut fed, mut advanced) = (Parser::default(), Parser::default());
            runs(&mut fed, &input[..cut]);
            runs(&mut fed, &input[cut..]);
            advanced.advance(&input[..cut]);
            advanced.advance(&input[cut..]);
            assert_eq!(advanced, fed, "cut at {cut}");
        }
    }

    #[test]
    fn basic_bold_and_underline_then_reset() {
        let mut parser = Parser::default();
        let out = runs(
            &mut parser,
            b"\x1b[1;31merror\x1b[0m: \x1b[4mfile\x1b[24m ok",
        );
        assert_eq!(out[0].1, "error");
        assert_eq!((out[0].0.fg, out[0].0.bold), (Some(BASIC[1]), true));
        assert_eq!((out[1].0, out[1].1.as_str()), (Style::default(), ": "));
        assert!(out[2].0.underline && out[2].1 == "file");
        assert_eq!((out[3].0, out[3].1.as_str()), (Style::default(), " ok"));
    }

    #[test]
    fn colours_256_and_rgb() {
        let mut parser = Parser::default();
        let out = runs(&mut parser, b"\x1b[38;5;196mred\x1b[48;2;10;20;30mbg");
        assert_eq!(out[0].0.fg, Some(palette(196)));
        assert_eq!(out[1].0.bg, Some(Color32::from_rgb(10, 20, 30)));
        assert_eq!(out[1].0.fg, Some(palette(196)), "the foreground carries on");
    }

    #[test]
    fn a_sequence_split_across_chunks_and_a_colour_across_lines() {
        let mut parser = Parser::default();
        let first = runs(&mut parser, b"plain \x1b[3");
        let second = runs(&mut parser, b"2mgreen");
        assert_eq!(first, vec![(Style::default(), "plain ".to_string())]);
        assert_eq!(second[0].0.fg, Some(BASIC[2]));
        let next_line = runs(&mut parser, b"still green");
        assert_eq!(next_line[0].0.fg, Some(BASIC[2]));
    }

    #[test]
    fn other_escapes_are_dropped() {
        let mut parser = Parser::default();
        let out = runs(&mut parser, b"a\x1b[2Kb\x1b]0;title\x07c\x1b[10Gd");
        assert_eq!(out, vec![(Style::default(), "abcd".to_string())]);
    }
}
