"""Human-readable reports of batch runs."""
