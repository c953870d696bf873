/** `np.spacing(1.0)`: the machine epsilon of float64. */
export const EPS = 2.220446049250313e-16;

/** Likelihoods may exceed 1 or fall below 0 by this much (rounding) before they are an error. */
export const LIKELIHOOD_TOLERANCE = 1e-12;
