"""The measurements: samplers, the autoencoder, empirical NTK Grams, spectra and fits (plain NumPy)."""
