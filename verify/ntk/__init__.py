"""Paper 2: the NTK of two-layer autoencoders (Nguyen, Wong, Hegde, IEEE T-IT 2021).

`theory` holds the SymPy derivations (re-exported here: `from verify.ntk import t, lambda_0`, with
ReLU defaults), built on `kernels` (the kernels of any activation: angular wedges, Gaussian
integrals, Price's theorem, else the Gauss-Hermite `quadrature`) and `moments` (the initialisation
limits for each activation and weight law); `width` holds the derived width requirements. Each
other module holds the claims named by its file:
`kernel` (ntk.kernel.*), `spectrum` (ntk.spectrum.*, ntk.orthonormal.*), `initialisation`
(ntk.init.*, ntk.tied.init_limit), `train` (rates and lambda_min along GD), `sharp_rate` (the
(1 - eta lambda)^2 factor), `lazy` (movement, flips), `limit` (the kernel-regression limit), `tied`
(weight-tied degeneracy), `width_law` and `width_spectrum` (the measured over-parameterisation law,
ntk.width.*).
"""

from verify.ntk.theory import *  # noqa: F401,F403
from verify.ntk.theory import __all__  # noqa: F401
