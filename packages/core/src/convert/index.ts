// Record conversion (upstream parse_value): compiled per schema. See convert/README in the issue.
export {}
