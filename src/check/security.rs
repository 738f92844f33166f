//! Checking for the security area: security contexts (container and pod) and the Pod Security Standards.
