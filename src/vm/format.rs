//! Print formatting of every runtime value (§7), as bytes.
//!
//! - integers in decimal; `bool` as `true`/`false`;
//! - floats in the shortest text that reads back to the same value, always with a `.` or an
//!   exponent (`1.0`, `0.1`, `1e300`, `-2.5e-7`), and `NaN`, `inf`, `-inf`;
//! - a string at top level as its bytes; a string *inside* an array or struct is quoted with
//!   Rust-style escapes (`["a", "b\n"]`) so that element boundaries stay visible;
//! - arrays `[1, 2, 3]`, structs `Point { x: 1.0, y: 2.0 }` (an empty struct `Empty {}`);
//! - a reference cycle (possible through mutation) or nesting deeper than [`MAX_DEPTH`] prints
//!   `...` instead of recursing further.

use super::heap::Heap;
use crate::bytecode::{StructLayout, VType};

/// Nesting depth beyond which values print as `...`.
pub const MAX_DEPTH: usize = 64;

/// Writes an integer in decimal.
#[inline]
pub fn write_int(out: &mut Vec<u8>, v: i64) {
    let mut buf = [0u8; INT_TEXT_MAX];
    out.extend_from_slice(int_text(&mut buf, v));
}

/// The longest decimal text of an `i64` (`-9223372036854775808`).
pub const INT_TEXT_MAX: usize = 20;

/// The decimal text of `v`, written into the end of `buf` (no allocation: `print` and
/// `to_string` of integers are hot in string-building loops).
#[inline]
pub fn int_text(buf: &mut [u8; INT_TEXT_MAX], v: i64) -> &[u8] {
    let mut n = v.unsigned_abs();
    let mut at = INT_TEXT_MAX;
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    &buf[at..]
}

/// Writes an `f64` as §7 prints it.
pub fn write_f64(out: &mut Vec<u8>, x: f64) {
    out.extend_from_slice(crate::dataflow::floatfmt::format_f64(x).as_bytes());
}

/// Writes an `f32` as §7 prints it (shortest text that reads back as the same `f32`).
pub fn write_f32(out: &mut Vec<u8>, x: f32) {
    out.extend_from_slice(crate::dataflow::floatfmt::format_f32(x).as_bytes());
}

/// Writes `s` in double quotes with `\\ \" \n \t \r \0` and other control characters escaped.
pub fn write_quoted(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\0' => out.extend_from_slice(b"\\0"),
            c if c.is_control() => {
                out.extend_from_slice(format!("\\u{{{:x}}}", c as u32).as_bytes())
            }
            c => {
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

/// Formats a dataflow object (table, node, builder) for printing; supplied by the dataflow bridge.
pub type ForeignFormatter = fn(&dyn std::any::Any, &mut Vec<u8>);

/// What formatting needs besides the value: the heap, the struct layouts and a formatter for
/// dataflow objects.
pub struct FmtCtx<'a> {
    /// The heap the handles point into.
    pub heap: &'a Heap,
    /// The module's struct layouts, by struct index.
    pub structs: &'a [StructLayout],
    /// Formats `table_ref` and other dataflow values.
    pub foreign: ForeignFormatter,
}

/// The default foreign formatter: `<table>`-style placeholders.
pub fn placeholder_foreign(_: &dyn std::any::Any, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<dataflow value>");
}

impl FmtCtx<'_> {
    /// Writes the slot `v` of type `ty` as `print` shows it at top level.
    pub fn write(&self, out: &mut Vec<u8>, ty: &VType, v: u64) {
        let mut path = Vec::new();
        self.write_nested(out, ty, v, false, &mut path);
    }

    /// The slot as a `String` (lossless: every Theta string is UTF-8).
    pub fn to_string(&self, ty: &VType, v: u64) -> String {
        let mut out = Vec::new();
        self.write(&mut out, ty, v);
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    fn write_nested(
        &self,
        out: &mut Vec<u8>,
        ty: &VType,
        v: u64,
        nested: bool,
        path: &mut Vec<u64>,
    ) {
        use super::ops::{f32_of, f64_of};
        match ty {
            VType::I8 | VType::I16 | VType::I32 | VType::I64 => write_int(out, v as i64),
            VType::F32 => write_f32(out, f32_of(v)),
            VType::F64 => write_f64(out, f64_of(v)),
            VType::Bool => out.extend_from_slice(if v != 0 { b"true" } else { b"false" }),
            VType::Fn(_) => {
                out.extend_from_slice(b"<fn #");
                write_int(out, v as i64);
                out.push(b'>');
            }
            VType::Str => {
                let s = self.heap.str(v);
                if nested {
                    write_quoted(out, s);
                } else {
                    out.extend_from_slice(s.as_bytes());
                }
            }
            VType::TableRef | VType::NodeRef | VType::TableBuilder => {
                match self.heap.foreign_any(v) {
                    Some(b) => (self.foreign)(b, out),
                    None => out.extend_from_slice(b"<empty table>"),
                }
            }
            VType::Array(elem) => {
                if path.len() >= MAX_DEPTH || path.contains(&v) {
                    out.extend_from_slice(b"...");
                    return;
                }
                let Some(arr) = self.heap.array(v) else {
                    out.extend_from_slice(b"[]");
                    return;
                };
                path.push(v);
                out.push(b'[');
                for (i, &e) in arr.elems.iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(b", ");
                    }
                    self.write_nested(out, elem, e, true, path);
                }
                out.push(b']');
                path.pop();
            }
            VType::Struct(id) => {
                let layout = self.structs.get(*id as usize);
                let name = layout.map_or("<struct>", |l| l.name.as_str());
                // §7 prints the struct's declared name: an imported `geo.Point` prints as
                // `Point { … }` (the qualifier is the importer's alias, not part of the name).
                let name = name.rsplit('.').next().unwrap_or(name);
                out.extend_from_slice(name.as_bytes());
                if path.len() >= MAX_DEPTH || path.contains(&v) {
                    out.extend_from_slice(b" { ... }");
                    return;
                }
                let (Some(obj), Some(layout)) = (self.heap.struct_obj(v), layout) else {
                    out.extend_from_slice(b" {}");
                    return;
                };
                path.push(v);
                out.extend_from_slice(b" {");
                for (i, (field, &fv)) in layout.fields.iter().zip(obj.fields.iter()).enumerate() {
                    out.extend_from_slice(if i > 0 { b", " } else { b" " });
                    out.extend_from_slice(field.name.as_bytes());
                    out.extend_from_slice(b": ");
                    self.write_nested(out, &field.ty, fv, true, path);
                }
                out.extend_from_slice(if layout.fields.is_empty() {
                    b"}"
                } else {
                    b" }"
                });
                path.pop();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::heap::{ArrayObj, Obj, StructObj};

    #[test]
    fn int_text_matches_std() {
        let mut buf = [0u8; INT_TEXT_MAX];
        let mut cases = vec![
            0,
            1,
            -1,
            9,
            10,
            -10,
            99,
            100,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ];
        cases.extend((0..63).flat_map(|b| [1i64 << b, (1i64 << b) - 1, -(1i64 << b)]));
        cases.extend((0..19).map(|e| 10i64.pow(e)));
        for v in cases {
            assert_eq!(int_text(&mut buf, v), v.to_string().as_bytes());
            let mut out = b"x".to_vec();
            write_int(&mut out, v);
            assert_eq!(out, format!("x{v}").into_bytes());
        }
    }

    use super::super::ops::{slot_f32, slot_f64};
    use super::*;
    use crate::bytecode::Field;

    fn fld(name: &str, ty: VType) -> Field {
        Field {
            name: name.into(),
            ty,
        }
    }

    fn f64s(x: f64) -> String {
        let mut o = Vec::new();
        write_f64(&mut o, x);
        String::from_utf8(o).unwrap()
    }

    #[test]
    fn floats_print_shortest_with_point_or_exponent() {
        assert_eq!(f64s(1.0), "1.0");
        assert_eq!(f64s(0.1), "0.1");
        assert_eq!(f64s(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(f64s(1e300), "1e300");
        assert_eq!(f64s(-2.5e-7), "-2.5e-7");
        assert_eq!(f64s(f64::NAN), "NaN");
        assert_eq!(f64s(f64::INFINITY), "inf");
        assert_eq!(f64s(f64::NEG_INFINITY), "-inf");
        assert_eq!(f64s(-0.0), "-0.0");
        assert_eq!(f64s(123456.0), "123456.0");
        for x in [1.0, 0.1, 1e300, -2.5e-7, 5e-324, f64::MAX, 1e16, 123.456] {
            assert_eq!(f64s(x).parse::<f64>().unwrap(), x, "round trip");
        }
        let mut o = Vec::new();
        write_f32(&mut o, 0.1);
        assert_eq!(o, b"0.1");
    }

    #[test]
    fn quoting_escapes() {
        let mut o = Vec::new();
        write_quoted(&mut o, "a\"b\\c\nd\u{1}é");
        assert_eq!(String::from_utf8(o).unwrap(), r#""a\"b\\c\nd\u{1}é""#);
    }

    #[test]
    fn arrays_structs_nested_and_cycles() {
        let mut heap = Heap::new();
        let structs = vec![
            StructLayout {
                name: "Point".into(),
                fields: vec![fld("x", VType::F64), fld("y", VType::F64)],
            },
            StructLayout {
                name: "Poly".into(),
                fields: vec![
                    fld("name", VType::Str),
                    fld("pts", VType::Array(Box::new(VType::Struct(0)))),
                ],
            },
            StructLayout {
                name: "Tree".into(),
                fields: vec![fld("kids", VType::Array(Box::new(VType::Struct(2))))],
            },
        ];
        let p = heap
            .alloc(Obj::Struct(StructObj {
                struct_id: 0,
                fields: vec![slot_f64(1.0), slot_f64(2.0)].into(),
            }))
            .unwrap();
        let pts = heap
            .alloc(Obj::Array(ArrayObj {
                elems: vec![p, p],
                refs: true,
            }))
            .unwrap();
        let name = heap.alloc_str("tri").unwrap();
        let poly = heap
            .alloc(Obj::Struct(StructObj {
                struct_id: 1,
                fields: vec![name, pts].into(),
            }))
            .unwrap();
        let ctx = FmtCtx {
            heap: &heap,
            structs: &structs,
            foreign: placeholder_foreign,
        };
        assert_eq!(
            ctx.to_string(&VType::Struct(0), p),
            "Point { x: 1.0, y: 2.0 }"
        );
        assert_eq!(
            ctx.to_string(&VType::Struct(1), poly),
            r#"Poly { name: "tri", pts: [Point { x: 1.0, y: 2.0 }, Point { x: 1.0, y: 2.0 }] }"#
        );
        assert_eq!(ctx.to_string(&VType::Str, name), "tri");
        assert_eq!(ctx.to_string(&VType::I64, -3i64 as u64), "-3");
        // An imported struct (flattened as `geo.Point`) prints its declared name (§7).
        let qualified = vec![StructLayout {
            name: "geo.Point".into(),
            ..structs[0].clone()
        }];
        let qctx = FmtCtx {
            heap: &heap,
            structs: &qualified,
            foreign: placeholder_foreign,
        };
        assert_eq!(
            qctx.to_string(&VType::Struct(0), p),
            "Point { x: 1.0, y: 2.0 }"
        );
        assert_eq!(ctx.to_string(&VType::Bool, 1), "true");
        assert_eq!(ctx.to_string(&VType::F32, slot_f32(2.5)), "2.5");

        // A cycle: tree.kids = [tree].
        let kids = heap
            .alloc(Obj::Array(ArrayObj {
                elems: vec![0],
                refs: true,
            }))
            .unwrap();
        let tree = heap
            .alloc(Obj::Struct(StructObj {
                struct_id: 2,
                fields: vec![kids].into(),
            }))
            .unwrap();
        heap.array_mut(kids).unwrap().elems[0] = tree;
        let ctx = FmtCtx {
            heap: &heap,
            structs: &structs,
            foreign: placeholder_foreign,
        };
        assert_eq!(
            ctx.to_string(&VType::Struct(2), tree),
            "Tree { kids: [Tree { ... }] }"
        );
        let strs = VType::Array(Box::new(VType::Str));
        let arr = {
            let a = heap.alloc_str("a").unwrap();
            let b = heap.alloc_str("b").unwrap();
            heap.alloc(Obj::Array(ArrayObj {
                elems: vec![a, b],
                refs: true,
            }))
            .unwrap()
        };
        let ctx = FmtCtx {
            heap: &heap,
            structs: &structs,
            foreign: placeholder_foreign,
        };
        assert_eq!(ctx.to_string(&strs, arr), r#"["a", "b"]"#);
    }
}
