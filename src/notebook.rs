//! Every run's numpy twin: a Python script (or Jupyter notebook) that reproduces the run
//! with numpy, scikit-learn and matplotlib, and prints the run's numbers as its last line.

/// A float as a Python literal that parses to the same double.
pub fn py_float(v: f64) -> String {
    format!("{v:?}")
}
