//! The quick, exact reading of the decimals exports are made of: `[sign] digits [. digits]
//! [e [sign] digits]`, digits below 2^64 and a power of ten within 22 (counting, for a
//! fraction read sixteen digits at once, the zeros it was padded with). It gives the
//! correctly rounded double (what Python's `float()` and Rust's parser give) or None, and
//! then the full parser reads the cell.

mod eisel_lemire;

/// A simple decimal as its digits m (an integer below 2^64) times 10^p (|p| <= 22),
/// correctly rounded (see [`eisel_lemire`]). None for anything else (more digits, a larger
/// power, text that is not this form).
pub(super) fn simple_decimal(cell: &[u8]) -> Option<f64> {
    leading_decimal(cell).and_then(|(value, len)| (len == cell.len()).then_some(value))
}

/// The simple decimal that `bytes` start with, and its length: read as far as the form
/// `[sign] digits [. digits] [e [sign] digits]` goes (the caller checks what follows, so a
/// cell is read without first looking for its end). None where it has no digits or is not
/// one [`simple_decimal`] reads.
#[inline(always)]
pub(super) fn leading_decimal(bytes: &[u8]) -> Option<(f64, usize)> {
    let (negative, mut at) = match bytes.first()? {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    let mut m = 0u64;
    let whole = digits(&bytes[at..], &mut m)?;
    at += whole;
    let mut power = 0i32;
    let mut fraction = 0;
    let mut padding = 0;
    if bytes.get(at) == Some(&b'.') {
        (fraction, padding) = fraction_digits(&bytes[at + 1..], &mut m)?;
        at += 1 + fraction;
        power = -((fraction + padding) as i32);
    }
    if whole + fraction == 0 {
        return None;
    }
    if let Some(b'e' | b'E') = bytes.get(at) {
        at += 1;
        let sign = match bytes.get(at) {
            Some(b'-') => -1,
            Some(b'+') => 1,
            _ => 0,
        };
        at += usize::from(sign != 0);
        let count = bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        // Three digits are beyond any power this path takes.
        if count == 0 || count > 3 {
            return None;
        }
        let e = bytes[at..at + count]
            .iter()
            .fold(0, |e, &b| e * 10 + i32::from(b - b'0'));
        power += if sign < 0 { -e } else { e };
        at += count;
    }
    if padding > 0 && !eisel_lemire::POWERS.contains(&power) {
        // The padding zeros may have pushed an exponent's power out of range.
        m /= 10u64.pow(padding as u32);
        power += padding as i32;
    }
    let magnitude = if m == 0 {
        0.0
    } else if eisel_lemire::POWERS.contains(&power) {
        eisel_lemire::nearest(m, power)?
    } else {
        return None;
    };
    Some((if negative { -magnitude } else { magnitude }, at))
}

/// Appends a fraction's leading ASCII digits to `m` and returns how many there were and
/// how many zeros follow them in `m`: up to 16 digits are read as one number padded with
/// zeros to 16 (two words at once, without a branch on their count), where `m` leaves room
/// for them; any further digits, and fractions after a long whole part, by [`digits`].
#[inline(always)]
fn fraction_digits(text: &[u8], m: &mut u64) -> Option<(usize, usize)> {
    const SIXTEEN: usize = 16;
    let Some(sixteen) = text.get(..SIXTEEN).filter(|_| *m < 1000) else {
        return Some((digits(text, m)?, 0));
    };
    let (count, padded) = padded_sixteen(sixteen.try_into().ok()?);
    // m < 1000, so m * 10^16 + (a number below 10^16) < 2^64.
    *m = *m * 10u64.pow(SIXTEEN as u32) + padded;
    if count < SIXTEEN {
        return Some((count, SIXTEEN - count));
    }
    Some((SIXTEEN + digits(&text[SIXTEEN..], m)?, 0))
}

/// How many of 16 bytes are leading ASCII digits, and the number they spell followed by
/// zeros to 16 digits.
#[inline(always)]
fn padded_sixteen(bytes: &[u8; 16]) -> (usize, u64) {
    let (first, second) = bytes.split_at(8);
    let first = u64::from_le_bytes(first.try_into().expect("eight bytes"));
    let second = u64::from_le_bytes(second.try_into().expect("eight bytes"));
    let in_first = leading_digits(first);
    let in_second = if in_first < 8 {
        0
    } else {
        leading_digits(second)
    };
    let keep = |count: u32| u64::MAX.checked_shr(64 - 8 * count).unwrap_or(0);
    let values = |word: u64, count| (word ^ (0x30 * ONES)) & keep(count);
    let padded = digit_values(values(first, in_first)) * 100_000_000
        + digit_values(values(second, in_second));
    ((in_first + in_second) as usize, padded)
}

/// How many of a word's bytes, from the lowest, are ASCII digits.
fn leading_digits(word: u64) -> u32 {
    // A digit's high half is 3, and adding 6 keeps it so. A carry out of a byte only
    // happens from one that is not a digit, so the lowest byte flagged is the first that
    // is not.
    let high = (word & (0xF0 * ONES)) ^ (0x30 * ONES);
    let low = (word.wrapping_add(0x06 * ONES) & (0xF0 * ONES)) ^ (0x30 * ONES);
    (high | low).trailing_zeros() / 8
}

/// Appends the leading ASCII digits of `text` to `m`, eight at a time where it can, and
/// returns how many there were; None once `m` would pass 19 digits' worth (2^64).
#[inline(always)]
fn digits(text: &[u8], m: &mut u64) -> Option<usize> {
    let mut i = 0;
    while let Some(eight) = text.get(i..i + 8) {
        let word = u64::from_le_bytes(eight.try_into().ok()?);
        if leading_digits(word) < 8 {
            break;
        }
        *m = m
            .checked_mul(100_000_000)?
            .checked_add(eight_digits(word))?;
        i += 8;
    }
    while let Some(&b) = text.get(i).filter(|b| b.is_ascii_digit()) {
        *m = m.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        i += 1;
    }
    Some(i)
}

const ONES: u64 = 0x0101_0101_0101_0101;

/// The number eight ASCII digits spell, the first in the lowest byte.
fn eight_digits(word: u64) -> u64 {
    digit_values(word - 0x30 * ONES)
}

/// The number eight digit values (0 to 9, a byte each, the first in the lowest) spell:
/// pairs, then fours, then the eight, each step one multiply.
fn digit_values(d: u64) -> u64 {
    let pairs = (d * 10 + (d >> 8)) & 0x00FF_00FF_00FF_00FF;
    let fours = (pairs * 100 + (pairs >> 16)) & 0x0000_FFFF_0000_FFFF;
    (fours * 10_000 + (fours >> 32)) & 0xFFFF_FFFF
}

#[cfg(test)]
mod tests;
