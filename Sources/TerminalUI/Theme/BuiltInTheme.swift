/// The text of `themes/default.toml`, compiled in so socktui starts even when no theme directory is
/// found. A test keeps it identical to the file.
public let builtInDefaultThemeText = #"""
# socktui theme: the default. Dark background, 256 colours.
# Colours: names (red, bright-blue, default), palette indices 0-255, or "#rrggbb".
# Attributes: bold dim italic underline reverse blink = true (add) or false (remove).
name = "default"
description = "Dark, for 256-colour terminals"

[ui]
base      = { fg = 252, bg = "default" }
title     = { fg = 214, bold = true }
border    = { fg = 240 }
focus     = { fg = 81, bold = true }
selection = { fg = 231, bg = 25, bold = true }
header    = { fg = 110, bold = true }
status    = { fg = 252, bg = 236 }
error     = { fg = 203, bold = true }
warning   = { fg = 221 }
ok        = { fg = 114 }
client    = { fg = 210 }
server    = { fg = 117 }

[protocols]
tcp   = { fg = 75 }
udp   = { fg = 179 }
icmp  = { fg = 176 }
arp   = { fg = 150 }
dns   = { fg = 117 }
other = { fg = 245 }

"""#
