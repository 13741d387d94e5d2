//! Paper sizes for the print view: `a5` (the default), `a4`, `letter`, or any
//! `<W>x<H>mm` between 70 and 1000 millimetres a side.

/// Points in a millimetre.
const PT_PER_MM: f32 = 72.0 / 25.4;

/// The smallest and largest side a page may have, in millimetres: below, a line holds
/// too few words to read; above, no printer takes the sheet.
const SIDES_MM: (f32, f32) = (70.0, 1000.0);

/// A page size.
#[derive(Clone, Debug, PartialEq)]
pub struct Paper {
    /// The name as written (`a5`, `150x230mm`).
    pub name: String,
    /// Width in points.
    pub width: f32,
    /// Height in points.
    pub height: f32,
}

impl Default for Paper {
    fn default() -> Self {
        Paper::mm("a5", 148.0, 210.0)
    }
}

impl Paper {
    fn mm(name: &str, w: f32, h: f32) -> Paper {
        Paper {
            name: name.to_string(),
            width: w * PT_PER_MM,
            height: h * PT_PER_MM,
        }
    }

    /// Reads `a5`, `a4`, `letter` (any case) or `<W>x<H>mm`; what is wrong otherwise.
    pub fn parse(text: &str) -> Result<Paper, String> {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "a5" => return Ok(Paper::default()),
            "a4" => return Ok(Paper::mm("a4", 210.0, 297.0)),
            "letter" => {
                return Ok(Paper {
                    name: "letter".into(),
                    width: 612.0,
                    height: 792.0,
                });
            }
            _ => {}
        }
        let Some((w, h)) = t.strip_suffix("mm").and_then(|d| d.split_once('x')) else {
            return Err(
                "the sizes are a5, a4, letter, or a width and height in millimetres like 150x230mm"
                    .into(),
            );
        };
        let side = |s: &str| -> Result<f32, String> {
            let v: f32 = s
                .trim()
                .parse()
                .map_err(|_| format!("`{}` is not a number of millimetres", s.trim()))?;
            if !v.is_finite() || v < SIDES_MM.0 || v > SIDES_MM.1 {
                return Err(format!(
                    "each side must be between {} and {} mm, not {}",
                    SIDES_MM.0,
                    SIDES_MM.1,
                    s.trim()
                ));
            }
            Ok(v)
        };
        let (w, h) = (side(w)?, side(h)?);
        Ok(Paper::mm(&t, w, h))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_sizes_and_millimetres_read() {
        let a5 = Paper::parse("A5").expect("a5");
        assert!((a5.width - 419.53).abs() < 0.01 && (a5.height - 595.28).abs() < 0.01);
        assert_eq!(Paper::parse("letter").expect("letter").width, 612.0);
        assert!((Paper::parse("a4").expect("a4").height - 841.89).abs() < 0.01);
        let custom = Paper::parse("150x230mm").expect("custom");
        assert!((custom.width - 425.2).abs() < 0.1);
    }

    #[test]
    fn anything_else_says_what_is_wrong() {
        for bad in [
            "a7",
            "",
            "150x230",
            "10x200mm",
            "axbmm",
            "150x2000mm",
            "nanx100mm",
        ] {
            assert!(Paper::parse(bad).is_err(), "{bad}");
        }
        assert!(
            Paper::parse("10x200mm")
                .expect_err("too narrow")
                .contains("between 70 and 1000 mm")
        );
    }
}
