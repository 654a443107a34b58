//! Bit-packed bitmaps, Arrow layout: bit `i` is bit `i % 8` (LSB first) of byte `i / 8`.
//! Used for validity (1 = valid) and for boolean values.

use std::fmt;

use super::buffer::{Buffer, MutableBuffer};
use super::error::Result;
use super::memory::MemoryAccount;

/// An immutable bitmap: `len` bits starting at bit `offset` of a shared buffer.
#[derive(Clone)]
pub struct Bitmap {
    buffer: Buffer,
    offset: usize,
    len: usize,
}

impl Bitmap {
    /// A bitmap over `buffer` bits `offset..offset + len`; `None` if the buffer is too short.
    pub fn try_new(buffer: Buffer, offset: usize, len: usize) -> Option<Bitmap> {
        let end = offset.checked_add(len)?;
        (end.div_ceil(8) <= buffer.len()).then_some(Bitmap {
            buffer,
            offset,
            len,
        })
    }

    /// A bitmap from booleans (unaccounted; for small or test data).
    pub fn from_bools(bits: &[bool]) -> Bitmap {
        let mut b = BitmapBuilder::new(MemoryAccount::unlimited());
        for &bit in bits {
            b.append(bit);
        }
        b.finish().unwrap_or_else(|_| Bitmap::new_set(0))
    }

    /// `len` bits, all set.
    pub fn new_set(len: usize) -> Bitmap {
        let mut b = BitmapBuilder::new(MemoryAccount::unlimited());
        b.append_n(len, true);
        b.finish().unwrap_or_else(|_| Bitmap {
            buffer: Buffer::empty(),
            offset: 0,
            len: 0,
        })
    }

    /// Number of bits.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are no bits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bit `i`; `false` when `i` is out of range.
    #[inline]
    pub fn get(&self, i: usize) -> bool {
        if i >= self.len {
            return false;
        }
        let bit = self.offset + i;
        self.buffer.as_slice()[bit / 8] & (1 << (bit % 8)) != 0
    }

    /// Number of set bits.
    pub fn count_set(&self) -> usize {
        let bytes = self.buffer.as_slice();
        if self.offset.is_multiple_of(8) {
            let start = self.offset / 8;
            let whole = self.len / 8;
            let mut n: usize = bytes[start..start + whole]
                .iter()
                .map(|b| b.count_ones() as usize)
                .sum();
            for i in whole * 8..self.len {
                n += usize::from(self.get(i));
            }
            n
        } else {
            (0..self.len).filter(|&i| self.get(i)).count()
        }
    }

    /// Number of clear bits.
    pub fn count_unset(&self) -> usize {
        self.len - self.count_set()
    }

    /// Bits `offset..offset + len`, sharing storage; clamped to the bitmap.
    pub fn slice(&self, offset: usize, len: usize) -> Bitmap {
        let offset = offset.min(self.len);
        let len = len.min(self.len - offset);
        Bitmap {
            buffer: self.buffer.clone(),
            offset: self.offset + offset,
            len,
        }
    }

    /// Iterates the bits.
    pub fn iter(&self) -> impl Iterator<Item = bool> + '_ {
        (0..self.len).map(move |i| self.get(i))
    }

    /// The underlying buffer.
    pub fn buffer(&self) -> &Buffer {
        &self.buffer
    }

    /// Offset in bits of the first bit inside [`Self::buffer`].
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The bits packed from bit 0 of a fresh byte vector (a copy unless the offset is 0),
    /// with unused high bits of the last byte clear.
    pub fn to_packed_bytes(&self) -> Vec<u8> {
        let nbytes = self.len.div_ceil(8);
        if self.offset == 0 {
            let mut v = self.buffer.as_slice()[..nbytes].to_vec();
            if !self.len.is_multiple_of(8)
                && let Some(last) = v.last_mut()
            {
                *last &= (1u8 << (self.len % 8)) - 1;
            }
            return v;
        }
        let mut v = vec![0u8; nbytes];
        for i in 0..self.len {
            if self.get(i) {
                v[i / 8] |= 1 << (i % 8);
            }
        }
        v
    }
}

impl PartialEq for Bitmap {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl Eq for Bitmap {}

impl fmt::Debug for Bitmap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bits: String = self.iter().map(|b| if b { '1' } else { '0' }).collect();
        write!(f, "Bitmap({bits})")
    }
}

/// Appends bits one at a time or in runs, then freezes into a [`Bitmap`].
pub struct BitmapBuilder {
    buf: MutableBuffer,
    len: usize,
}

impl BitmapBuilder {
    /// An empty builder charging `account`.
    pub fn new(account: MemoryAccount) -> Self {
        BitmapBuilder {
            buf: MutableBuffer::new(account),
            len: 0,
        }
    }

    /// Number of bits appended.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no bits are appended.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Makes room for `additional` more bits, failing if the budget does not allow it.
    pub fn reserve(&mut self, additional: usize) -> Result<()> {
        let want = (self.len + additional).div_ceil(8);
        self.buf.reserve(want.saturating_sub(self.buf.len()))
    }

    /// The first budget error met while growing, if any.
    pub fn check(&self) -> Result<()> {
        self.buf.check()
    }

    /// Appends one bit.
    #[inline]
    pub fn append(&mut self, bit: bool) {
        let byte = self.len / 8;
        if byte >= self.buf.len() {
            self.buf.resize(byte + 1);
        }
        if bit {
            self.buf.as_mut_slice()[byte] |= 1 << (self.len % 8);
        }
        self.len += 1;
    }

    /// Appends `n` copies of `bit`.
    pub fn append_n(&mut self, n: usize, bit: bool) {
        let new_len = self.len + n;
        self.buf.resize(new_len.div_ceil(8));
        if bit {
            let bytes = self.buf.as_mut_slice();
            let mut i = self.len;
            while i < new_len && !i.is_multiple_of(8) {
                bytes[i / 8] |= 1 << (i % 8);
                i += 1;
            }
            let whole_end = new_len / 8 * 8;
            if i < whole_end {
                bytes[i / 8..whole_end / 8].fill(0xFF);
                i = whole_end;
            }
            while i < new_len {
                bytes[i / 8] |= 1 << (i % 8);
                i += 1;
            }
        }
        self.len = new_len;
    }

    /// The bits so far, packed (bit `i` is bit `i % 8` of byte `i / 8`; bits past
    /// [`Self::len`] in the last byte are zero).
    pub fn packed_bytes(&self) -> &[u8] {
        self.buf.as_slice()
    }

    /// Appends the first `bits` bits of `packed` (laid out as [`Self::packed_bytes`]), a byte
    /// at a time: shifted into place when this builder's length is not a multiple of 8.
    pub fn append_packed(&mut self, packed: &[u8], bits: usize) {
        let bits = bits.min(packed.len() * 8);
        let start = self.len;
        let new_len = start + bits;
        self.buf.resize(new_len.div_ceil(8));
        let shift = start % 8;
        let out = &mut self.buf.as_mut_slice()[start / 8..];
        for (i, &b) in packed[..bits.div_ceil(8)].iter().enumerate() {
            out[i] |= b << shift;
            if shift > 0 && i + 1 < out.len() {
                out[i + 1] |= b >> (8 - shift);
            }
        }
        // Keep the bits past the new length zero (the source may carry bits past `bits`).
        if !new_len.is_multiple_of(8) {
            let last = new_len / 8 - start / 8;
            out[last] &= (1u8 << (new_len % 8)) - 1;
        }
        self.len = new_len;
    }

    /// Bit `i` so far; `false` when out of range.
    pub fn get(&self, i: usize) -> bool {
        i < self.len && self.buf.as_slice()[i / 8] & (1 << (i % 8)) != 0
    }

    /// Sets bit `i` (must be below [`Self::len`]).
    pub fn set(&mut self, i: usize, bit: bool) {
        if i >= self.len {
            return;
        }
        let b = &mut self.buf.as_mut_slice()[i / 8];
        if bit {
            *b |= 1 << (i % 8);
        } else {
            *b &= !(1 << (i % 8));
        }
    }

    /// Freezes the bits.
    pub fn finish(self) -> Result<Bitmap> {
        let len = self.len;
        Ok(Bitmap {
            buffer: self.buf.freeze()?,
            offset: 0,
            len,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(n: usize) -> Vec<bool> {
        (0..n).map(|i| i % 3 == 0 || i == n - 1).collect()
    }

    /// Packed bits appended at every bit position land where single appends put them, and
    /// bits past the end stay zero (even when the source carries some).
    #[test]
    fn packed_bits_append_at_any_offset() {
        let src = pattern(29);
        let mut packed = BitmapBuilder::new(MemoryAccount::unlimited());
        src.iter().for_each(|&b| packed.append(b));
        let mut noisy = packed.packed_bytes().to_vec();
        *noisy.last_mut().unwrap() |= 0b1110_0000;
        for start in 0..17 {
            for take in [0, 1, 7, 8, 9, 29] {
                let mut b = BitmapBuilder::new(MemoryAccount::unlimited());
                b.append_n(start, true);
                b.append_packed(&noisy, take);
                b.append(true);
                let mut want = vec![true; start];
                want.extend(&src[..take]);
                want.push(true);
                let got = b.finish().unwrap();
                assert_eq!(
                    got.iter().collect::<Vec<_>>(),
                    want,
                    "start {start} take {take}"
                );
                let bytes = got.buffer().as_slice();
                let last_bits = want.len() % 8;
                if last_bits > 0 {
                    assert_eq!(bytes[want.len() / 8] >> last_bits, 0, "padding is zero");
                }
                assert!(bytes[want.len().div_ceil(8)..].iter().all(|&x| x == 0));
            }
        }
    }

    #[test]
    fn lsb_first_layout() {
        let b = Bitmap::from_bools(&[true, false, true, true, false, false, false, false, true]);
        assert_eq!(b.buffer().as_slice()[..2], [0b0000_1101, 0b0000_0001]);
        assert_eq!(b.count_set(), 4);
    }

    #[test]
    fn word_boundaries() {
        for n in [0, 1, 7, 8, 9, 63, 64, 65, 127, 128, 129] {
            let bits = if n == 0 { vec![] } else { pattern(n) };
            let b = Bitmap::from_bools(&bits);
            assert_eq!(b.len(), n);
            assert_eq!(b.iter().collect::<Vec<_>>(), bits, "n = {n}");
            assert_eq!(
                b.count_set(),
                bits.iter().filter(|&&x| x).count(),
                "n = {n}"
            );
            assert!(!b.get(n), "out of range reads false");
        }
    }

    #[test]
    fn append_n_runs() {
        for (start, n) in [(0, 64), (3, 64), (5, 3), (7, 65), (63, 2), (1, 0)] {
            let mut b = BitmapBuilder::new(MemoryAccount::unlimited());
            b.append_n(start, false);
            b.append_n(n, true);
            b.append(false);
            let m = b.finish().unwrap();
            assert_eq!(m.len(), start + n + 1);
            assert_eq!(m.count_set(), n, "start {start} n {n}");
            assert!((0..start).all(|i| !m.get(i)));
            assert!((start..start + n).all(|i| m.get(i)));
            assert!(!m.get(start + n));
        }
    }

    #[test]
    fn slices_and_packing() {
        let bits = pattern(70);
        let b = Bitmap::from_bools(&bits);
        let s = b.slice(5, 60);
        assert_eq!(s.iter().collect::<Vec<_>>(), bits[5..65]);
        assert_eq!(s.count_set(), bits[5..65].iter().filter(|&&x| x).count());
        let packed = Bitmap::try_new(Buffer::from_slice(&s.to_packed_bytes()), 0, 60).unwrap();
        assert_eq!(packed, s);
        let tail = b.slice(64, 6).to_packed_bytes();
        assert_eq!(tail.len(), 1);
        assert_eq!(b.slice(0, 3).to_packed_bytes(), vec![0b001]);
    }

    #[test]
    fn try_new_checks_length() {
        let buf = Buffer::from_slice(&[0xFFu8; 2]);
        assert!(Bitmap::try_new(buf.clone(), 0, 16).is_some());
        assert!(Bitmap::try_new(buf.clone(), 1, 16).is_none());
        assert!(Bitmap::try_new(buf, usize::MAX, 2).is_none());
    }

    #[test]
    fn set_bits_in_builder() {
        let mut b = BitmapBuilder::new(MemoryAccount::unlimited());
        b.append_n(10, false);
        b.set(9, true);
        b.set(3, true);
        b.set(3, false);
        b.set(50, true);
        assert!(b.get(9) && !b.get(3));
        assert_eq!(b.finish().unwrap().count_set(), 1);
    }
}
