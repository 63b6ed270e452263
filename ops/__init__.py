"""Operations scripts run from make targets (faults, load, soak, backup): they drive a served
site from outside, so nothing here is imported by the application."""
