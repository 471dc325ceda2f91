import SocktuiApp

StandardOutput.installExitCheck()
SocktuiCommand.main()
