"""The notebook's computation without the plot, for side-by-side timing.

    python benchsuite/numpy_lab.py N [SEED]

Prints the summary as JSON so the timing script can check both tools agree.
"""
import json
import sys

import numpy as np

n = int(sys.argv[1])
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 2
rng = np.random.default_rng(seed)
exposure = rng.beta(2, 4, size=n)
severity = rng.beta(2.5, 2.5, size=n)
control_gap = rng.beta(3, 5, size=n)
activity = rng.beta(2, 6, size=n)
business_impact = rng.beta(2, 3, size=n)

risk_score = 0.25*exposure + 0.25*severity + 0.20*control_gap + 0.15*activity + 0.15*business_impact
threshold = float(np.quantile(risk_score, 0.80))
priority = risk_score >= threshold

summary = {
    "priority_count": int(priority.sum()),
    "threshold": threshold,
    "top_indices": np.argsort(risk_score)[-5:][::-1].tolist(),
}
print(json.dumps(summary))
