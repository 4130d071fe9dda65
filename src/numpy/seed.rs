//! `np.random.default_rng(seed)`: SeedSequence hashing into a PCG64 state.

use rand_pcg::Lcg128Xsl64;

/// numpy's PCG64 is rand_pcg's `Lcg128Xsl64` (same multiplier, increment rule and XSL-RR output).
pub type Pcg64 = Lcg128Xsl64;

const INIT_A: u32 = 0x43b0_d7e5;
const MULT_A: u32 = 0x931e_8875;
const INIT_B: u32 = 0x8b51_f9dd;
const MULT_B: u32 = 0x58f3_8ded;
const MIX_MULT_L: u32 = 0xca01_f9dd;
const MIX_MULT_R: u32 = 0x4973_f715;
const POOL_SIZE: usize = 4;

/// The four u64 words SeedSequence(seed).generate_state(4, uint64) yields.
///
/// A u128 seed has at most four u32 entropy words, so the pool absorbs all of them
/// and the "extra entropy" mixing numpy does past the fourth word never applies.
pub(crate) fn pcg64_state(seed: u128) -> [u64; 4] {
    // Least significant word first, without high zero words; seed 0 is `[0]`.
    let mut entropy = [0u32; POOL_SIZE];
    let mut x = seed;
    for word in &mut entropy {
        *word = x as u32;
        x >>= 32;
    }

    let mut hash_const = INIT_A;
    let mut hashmix = |value: u32| -> u32 {
        let mut v = value ^ hash_const;
        hash_const = hash_const.wrapping_mul(MULT_A);
        v = v.wrapping_mul(hash_const);
        v ^ (v >> 16)
    };
    let mix = |x: u32, y: u32| -> u32 {
        let r = MIX_MULT_L
            .wrapping_mul(x)
            .wrapping_sub(MIX_MULT_R.wrapping_mul(y));
        r ^ (r >> 16)
    };

    // Missing words hash as 0, which is exactly what the padding above provides.
    let mut pool = [0u32; POOL_SIZE];
    for (slot, &word) in pool.iter_mut().zip(&entropy) {
        *slot = hashmix(word);
    }
    for src in 0..POOL_SIZE {
        for dst in 0..POOL_SIZE {
            if src != dst {
                let h = hashmix(pool[src]);
                pool[dst] = mix(pool[dst], h);
            }
        }
    }

    let mut hash_const = INIT_B;
    let mut words = [0u32; 8];
    for (i, out) in words.iter_mut().enumerate() {
        let mut d = pool[i % POOL_SIZE] ^ hash_const;
        hash_const = hash_const.wrapping_mul(MULT_B);
        d = d.wrapping_mul(hash_const);
        *out = d ^ (d >> 16);
    }
    std::array::from_fn(|k| u64::from(words[2 * k]) | (u64::from(words[2 * k + 1]) << 32))
}

/// The generator `np.random.default_rng(seed)` returns.
pub fn default_rng(seed: u128) -> Pcg64 {
    let s = pcg64_state(seed);
    let state = (u128::from(s[0]) << 64) | u128::from(s[1]);
    let stream = (u128::from(s[2]) << 64) | u128::from(s[3]);
    // `new`, not `from_seed`: only `new` takes (state, stream) the way numpy's pcg64_set_seed does.
    Lcg128Xsl64::new(state, stream)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn seed_2_state_matches_numpy_seedsequence() {
        // Quoted from numpy: SeedSequence(2).generate_state(4, np.uint64).
        assert_eq!(
            pcg64_state(2),
            [
                10128210881749538955,
                6172844041825227978,
                3303114536655263186,
                16777746787465981431
            ]
        );
    }

    #[test]
    fn different_seeds_give_different_streams() {
        let a = default_rng(0).next_u64();
        let b = default_rng(1).next_u64();
        let c = default_rng(1 << 64).next_u64();
        assert!(a != b && b != c && a != c);
    }
}
