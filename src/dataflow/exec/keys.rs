//! Row keys for hash tables: the key columns of each row encoded column-at-a-time into one
//! byte string (a null flag then fixed-width little-endian bytes, or a length and the bytes for
//! text), so equality of keys is equality of bytes; floats are normalised so `-0.0 = 0.0` and
//! all NaNs are one key. A [`KeyTable`] maps encoded keys to dense ids.

use hashbrown::HashTable;

use crate::dataflow::builder::StringBuilder;
use crate::dataflow::column::{Column, NativeType, PrimitiveColumn};
use crate::dataflow::error::Result;
use crate::dataflow::expr::kernels::internal;
use crate::dataflow::expr::kernels::vector::{bool_col, bool_values, prim_col, validity_of};
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::types::DataType;

/// Encoded keys of a batch: row `i` is `bytes[offsets[i]..offsets[i + 1]]`.
#[derive(Default, Debug)]
pub struct EncodedKeys {
    /// All rows' key bytes.
    pub bytes: Vec<u8>,
    /// Row boundaries (rows + 1).
    pub offsets: Vec<usize>,
    /// Rows where some key column is null (SQL joins never match them).
    pub has_null: Vec<bool>,
    /// Hash of each row's key.
    pub hashes: Vec<u64>,
}

impl EncodedKeys {
    /// Row `i`'s key bytes.
    #[inline]
    pub fn key(&self, i: usize) -> &[u8] {
        &self.bytes[self.offsets[i]..self.offsets[i + 1]]
    }
}

/// A fast 64-bit hash of bytes (multiply-xorshift over 8-byte words).
#[inline]
pub fn hash_bytes(b: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = (b.len() as u64).wrapping_mul(K);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ w).wrapping_mul(K).rotate_left(29);
    }
    let mut last = 0u64;
    for (i, &x) in chunks.remainder().iter().enumerate() {
        last |= (x as u64) << (8 * i);
    }
    h = (h ^ last).wrapping_mul(K);
    h ^ (h >> 32)
}

fn width(ty: DataType) -> usize {
    match ty {
        DataType::I8 | DataType::Bool => 1,
        DataType::I16 => 2,
        DataType::I32 | DataType::F32 => 4,
        DataType::I64 | DataType::F64 => 8,
        DataType::Utf8 => 4,
    }
}

fn write_prim<T: NativeType>(
    c: &PrimitiveColumn<T>,
    valid: &Option<Vec<bool>>,
    out: &mut [u8],
    cursor: &mut [usize],
    norm: fn(T) -> T,
) {
    let vals = c.values();
    let w = std::mem::size_of::<T>();
    for (i, cur) in cursor.iter_mut().enumerate() {
        let ok = valid.as_ref().is_none_or(|m| m[i]);
        out[*cur] = ok as u8;
        if ok {
            out[*cur + 1..*cur + 1 + w].copy_from_slice(bytemuck::bytes_of(&norm(vals[i])));
        }
        *cur += 1 + w;
    }
}

fn same<T>(x: T) -> T {
    x
}

fn norm_f64(x: f64) -> f64 {
    if x.is_nan() {
        f64::NAN
    } else if x == 0.0 {
        0.0
    } else {
        x
    }
}

fn norm_f32(x: f32) -> f32 {
    if x.is_nan() {
        f32::NAN
    } else if x == 0.0 {
        0.0
    } else {
        x
    }
}

/// Encodes the rows of `cols` (each `n` rows) into `out` (reused between batches).
pub fn encode(cols: &[Column], n: usize, out: &mut EncodedKeys) {
    out.offsets.clear();
    out.has_null.clear();
    out.has_null.resize(n, false);
    let mut lens = vec![0usize; n];
    let valids: Vec<Option<Vec<bool>>> = cols.iter().map(validity_of).collect();
    for (c, valid) in cols.iter().zip(&valids) {
        let w = 1 + width(c.data_type());
        lens.iter_mut().for_each(|l| *l += w);
        if let Column::Utf8(s) = c {
            for (i, l) in lens.iter_mut().enumerate() {
                *l += s.value_bytes(i).len();
            }
        }
        if let Some(m) = valid {
            out.has_null.iter_mut().zip(m).for_each(|(h, ok)| *h |= !ok);
        }
    }
    let mut total = 0;
    out.offsets.push(0);
    for l in &lens {
        total += l;
        out.offsets.push(total);
    }
    out.bytes.clear();
    out.bytes.resize(total, 0);
    let mut cursor: Vec<usize> = out.offsets[..n].to_vec();
    for (c, valid) in cols.iter().zip(&valids) {
        let bytes = &mut out.bytes;
        match c {
            Column::I8(p) => write_prim(p, valid, bytes, &mut cursor, same),
            Column::I16(p) => write_prim(p, valid, bytes, &mut cursor, same),
            Column::I32(p) => write_prim(p, valid, bytes, &mut cursor, same),
            Column::I64(p) => write_prim(p, valid, bytes, &mut cursor, same),
            Column::F32(p) => write_prim(p, valid, bytes, &mut cursor, norm_f32),
            Column::F64(p) => write_prim(p, valid, bytes, &mut cursor, norm_f64),
            Column::Bool(b) => {
                let vals = bool_values(b);
                for (i, cur) in cursor.iter_mut().enumerate() {
                    let ok = valid.as_ref().is_none_or(|m| m[i]);
                    bytes[*cur] = ok as u8;
                    bytes[*cur + 1] = (ok && vals[i]) as u8;
                    *cur += 2;
                }
            }
            Column::Utf8(s) => {
                for (i, cur) in cursor.iter_mut().enumerate() {
                    let ok = valid.as_ref().is_none_or(|m| m[i]);
                    let v = if ok { s.value_bytes(i) } else { &[] };
                    bytes[*cur] = ok as u8;
                    bytes[*cur + 1..*cur + 5].copy_from_slice(&(v.len() as u32).to_le_bytes());
                    bytes[*cur + 5..*cur + 5 + v.len()].copy_from_slice(v);
                    *cur += 5 + v.len();
                }
            }
        }
    }
    out.hashes.clear();
    out.hashes
        .extend((0..n).map(|i| hash_bytes(&out.bytes[out.offsets[i]..out.offsets[i + 1]])));
}

/// A hash table from encoded keys to dense ids `0, 1, 2, …` in first-seen order.
#[derive(Default)]
pub struct KeyTable {
    table: HashTable<u32>,
    arena: Vec<u8>,
    starts: Vec<usize>,
    hashes: Vec<u64>,
}

impl KeyTable {
    /// An empty table.
    pub fn new() -> Self {
        KeyTable {
            starts: vec![0],
            ..Default::default()
        }
    }

    /// Number of distinct keys.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// Bytes held (for memory accounting).
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity()
            + self.starts.capacity() * 8
            + self.hashes.capacity() * 8
            + self.table.capacity() * 5
    }

    /// Key `id`'s bytes.
    pub fn key(&self, id: u32) -> &[u8] {
        &self.arena[self.starts[id as usize]..self.starts[id as usize + 1]]
    }

    /// The id of `key`, if present.
    #[inline]
    pub fn find(&self, key: &[u8], hash: u64) -> Option<u32> {
        self.table.find(hash, |&id| self.key(id) == key).copied()
    }

    /// The id of `key`, inserting it when new; the flag says whether it was inserted.
    #[inline]
    pub fn find_or_insert(&mut self, key: &[u8], hash: u64) -> (u32, bool) {
        let (arena, starts) = (&self.arena, &self.starts);
        let found = self.table.find(hash, |&id| {
            &arena[starts[id as usize]..starts[id as usize + 1]] == key
        });
        if let Some(&id) = found {
            return (id, false);
        }
        let id = self.hashes.len() as u32;
        self.arena.extend_from_slice(key);
        self.starts.push(self.arena.len());
        self.hashes.push(hash);
        let hs = &self.hashes;
        self.table.insert_unique(hash, id, |&x| hs[x as usize]);
        (id, true)
    }

    /// Decodes the keys into columns of `types` (the types they were encoded from).
    pub fn decode(&self, types: &[DataType]) -> Result<Vec<Column>> {
        let n = self.len();
        let mut cursor: Vec<usize> = self.starts[..n].to_vec();
        let mut out = Vec::with_capacity(types.len());
        for &ty in types {
            out.push(decode_column(&self.arena, &mut cursor, ty)?);
        }
        Ok(out)
    }
}

fn read_prim<T: NativeType>(arena: &[u8], cursor: &mut [usize]) -> Result<Column> {
    let w = std::mem::size_of::<T>();
    let mut vals = Vec::with_capacity(cursor.len());
    let mut valid = Vec::with_capacity(cursor.len());
    for cur in cursor.iter_mut() {
        let ok = arena[*cur] != 0;
        valid.push(ok);
        vals.push(bytemuck::pod_read_unaligned::<T>(
            &arena[*cur + 1..*cur + 1 + w],
        ));
        *cur += 1 + w;
    }
    prim_col(&vals, Some(valid))
}

fn decode_column(arena: &[u8], cursor: &mut [usize], ty: DataType) -> Result<Column> {
    match ty {
        DataType::I8 => read_prim::<i8>(arena, cursor),
        DataType::I16 => read_prim::<i16>(arena, cursor),
        DataType::I32 => read_prim::<i32>(arena, cursor),
        DataType::I64 => read_prim::<i64>(arena, cursor),
        DataType::F32 => read_prim::<f32>(arena, cursor),
        DataType::F64 => read_prim::<f64>(arena, cursor),
        DataType::Bool => {
            let mut vals = Vec::new();
            let mut valid = Vec::new();
            for cur in cursor.iter_mut() {
                valid.push(arena[*cur] != 0);
                vals.push(arena[*cur + 1] != 0);
                *cur += 2;
            }
            bool_col(&vals, Some(valid))
        }
        DataType::Utf8 => {
            let mut b = StringBuilder::new(MemoryAccount::unlimited());
            for cur in cursor.iter_mut() {
                let ok = arena[*cur] != 0;
                let len = u32::from_le_bytes([
                    arena[*cur + 1],
                    arena[*cur + 2],
                    arena[*cur + 3],
                    arena[*cur + 4],
                ]) as usize;
                let bytes = &arena[*cur + 5..*cur + 5 + len];
                if ok {
                    b.append_value(
                        std::str::from_utf8(bytes).map_err(|_| internal("bad key text"))?,
                    );
                } else {
                    b.append_null();
                }
                *cur += 5 + len;
            }
            b.finish()
        }
    }
}
