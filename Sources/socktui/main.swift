import SocktuiApp

SocktuiCommand.main()
