//! What each sampler accepts: the one place the rules for distribution parameters live.
//! The samplers' constructors apply them; lab files and flags are checked by building the
//! sampler. (A lab adds one policy of its own on top: no lognormal whose values overflow,
//! in `lab::InputDistribution::check`.)

/// A parameter a sampler cannot take, named as the lab format names it (`a`, `sd`, `high`, ...).
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum ParamError {
    #[error("{name} must be a finite number, got {}", crate::readable::number(*.value))]
    NotFinite { name: &'static str, value: f64 },
    #[error("{name} must be greater than 0, got {}", crate::readable::number(*.value))]
    NotPositive { name: &'static str, value: f64 },
    #[error("{name} must be 0 or more, got {}", crate::readable::number(*.value))]
    Negative { name: &'static str, value: f64 },
    #[error(
        "high must be greater than low with a finite range, got low {}, high {}",
        crate::readable::number(*.low),
        crate::readable::number(*.high)
    )]
    EmptyRange { low: f64, high: f64 },
}

pub(crate) fn finite(name: &'static str, value: f64) -> Result<f64, ParamError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ParamError::NotFinite { name, value })
    }
}

/// A shape or scale: finite and greater than 0.
pub fn positive(name: &'static str, value: f64) -> Result<f64, ParamError> {
    if finite(name, value)? > 0.0 {
        Ok(value)
    } else {
        Err(ParamError::NotPositive { name, value })
    }
}

/// A spread (a standard deviation): finite and 0 or more.
pub(crate) fn non_negative(name: &'static str, value: f64) -> Result<f64, ParamError> {
    if finite(name, value)? >= 0.0 {
        Ok(value)
    } else {
        Err(ParamError::Negative { name, value })
    }
}

/// A uniform's bounds: finite, `low < high`, and a range that does not overflow.
pub(crate) fn range(low: f64, high: f64) -> Result<f64, ParamError> {
    finite("low", low)?;
    finite("high", high)?;
    let range = high - low;
    if high > low && range.is_finite() {
        Ok(range)
    } else {
        Err(ParamError::EmptyRange { low, high })
    }
}
