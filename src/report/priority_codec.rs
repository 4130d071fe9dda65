//! A compact, exact text form for large sorted index sets: the gaps between successive
//! indices as LEB128 varints, in base64. Two million priority cases out of 10^7 take
//! about 2.7 MB instead of 26 MB of one-number-per-line JSON.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// The one encoding there is; named in the JSON so a future one can be told apart.
pub const ENCODING: &str = "delta-varint-base64";

/// An encoded ascending index set, as it appears in a run's JSON.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Encoded {
    pub encoding: String,
    pub count: usize,
    pub data: String,
}

/// Encodes ascending, distinct indices.
pub fn encode(indices: &[usize]) -> Encoded {
    let mut bytes = Vec::with_capacity(indices.len() + 8);
    let mut prev = None;
    for &i in indices {
        // The first value is stored as is, later ones as the gap from the previous one.
        let mut v = prev.map_or(i as u64, |p: usize| (i - p) as u64);
        prev = Some(i);
        loop {
            let low = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                bytes.push(low);
                break;
            }
            bytes.push(low | 0x80);
        }
    }
    Encoded {
        encoding: ENCODING.into(),
        count: indices.len(),
        data: STANDARD.encode(bytes),
    }
}

/// Decodes and checks an encoded set: the encoding, the count, strictly ascending values.
pub fn decode(e: &Encoded) -> Result<Vec<usize>, String> {
    if e.encoding != ENCODING {
        return Err(format!(
            "unknown encoding {:?} (expected {ENCODING:?})",
            e.encoding
        ));
    }
    let bytes = STANDARD
        .decode(&e.data)
        .map_err(|err| format!("data is not base64: {err}"))?;
    let mut out = Vec::with_capacity(e.count.min(bytes.len()));
    let (mut v, mut shift) = (0u64, 0u32);
    for b in bytes {
        if shift > 63 {
            return Err("a varint is longer than 64 bits".into());
        }
        v |= u64::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            let value = match out.last() {
                None => v,
                Some(&prev) if v > 0 => (prev as u64).checked_add(v).ok_or("index overflows")?,
                Some(_) => return Err("indices are not strictly ascending".into()),
            };
            out.push(usize::try_from(value).map_err(|_| "index too large")?);
            (v, shift) = (0, 0);
        }
    }
    if shift != 0 {
        return Err("data ends inside a varint (truncated?)".into());
    }
    if out.len() != e.count {
        return Err(format!(
            "data holds {} indices but count says {}",
            out.len(),
            e.count
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn empty_and_small_sets() {
        assert_eq!(decode(&encode(&[])).unwrap(), Vec::<usize>::new());
        assert_eq!(
            decode(&encode(&[0, 1, 300, 70_000])).unwrap(),
            [0, 1, 300, 70_000]
        );
    }

    #[test]
    fn corrupt_data_is_an_error_not_a_panic() {
        let mut e = encode(&[5, 9]);
        e.count = 3;
        assert!(decode(&e).unwrap_err().contains("count"));
        let mut e = encode(&[5, 9]);
        e.data = "!!".into();
        assert!(decode(&e).is_err());
        let e = Encoded {
            encoding: ENCODING.into(),
            count: 1,
            data: STANDARD.encode([0x80]),
        };
        assert!(decode(&e).unwrap_err().contains("truncated"));
        let e = Encoded {
            encoding: ENCODING.into(),
            count: 2,
            data: STANDARD.encode([3, 0]),
        };
        assert!(decode(&e).unwrap_err().contains("ascending"));
    }

    proptest! {
        #[test]
        fn round_trips(set in prop::collection::btree_set(0usize..1 << 40, 0..300)) {
            let v: Vec<usize> = set.into_iter().collect();
            prop_assert_eq!(decode(&encode(&v)).unwrap(), v);
        }

        #[test]
        fn any_data_decodes_or_errs(data in ".*", count in 0usize..50) {
            let _ = decode(&Encoded { encoding: ENCODING.into(), count, data });
        }
    }
}
