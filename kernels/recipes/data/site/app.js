// Served as text/javascript (RFC 9239). The page works without it.
document.documentElement.dataset.served = "unikernel";
