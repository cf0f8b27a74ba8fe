"""What every layer shares and nothing above it: errors and their messages, Vietnamese text (NFC, folding,
tone placement, outbound safety), the audit log, the reform's fixed dates and acts, generic file writers and
stored documents. Imports only the models."""
