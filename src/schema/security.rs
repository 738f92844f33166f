//! Keys of the security area: security contexts (container and pod) and the Pod Security Standards.

#[allow(unused_imports)]
use super::*;

keys! {}
