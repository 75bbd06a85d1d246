# server/trust/: phone trust (ITL/CTL trust lists, .sgn and .enc.sgn files,
# the SAST/ITLRecovery/TFTP keys).  Pure domain code: no database, no I/O.
# Its sources join server/libucprov.a.
server_libucprov_a_SOURCES += \
	server/trust/tlv.c server/trust/tlv.h \
	server/trust/sighdr.c server/trust/sighdr.h
