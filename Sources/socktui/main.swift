#if canImport(Glibc)
    import Glibc
#endif
import SocktuiApp

// The character type of the user's locale (UTF-8 under C.UTF-8 or en_US.UTF-8), as C programs take
// it: getaddrinfo's AI_IDN converts names through it (issue #17 W3). Only LC_CTYPE: numbers keep
// the C locale's format in every output.
setlocale(LC_CTYPE, "")
StandardOutput.installExitCheck()
SocktuiCommand.main()
