"""appraisal: live monthly scores from weighted indicators, reviews, bonus coefficients, period close."""
