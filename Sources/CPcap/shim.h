#ifndef SOCKTUI_CPCAP_SHIM_H
#define SOCKTUI_CPCAP_SHIM_H
#include <pcap/pcap.h>
#endif
