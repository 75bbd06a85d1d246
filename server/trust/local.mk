# server/trust/: phone trust (ITL/CTL trust lists, .sgn and .enc.sgn files,
# the SAST/ITLRecovery/TFTP keys).  Pure domain code: no database, no I/O.
# Its sources join server/libucprov.a.
server_libucprov_a_SOURCES += \
	server/trust/tlv.c server/trust/tlv.h \
	server/trust/sighdr.c server/trust/sighdr.h \
	server/trust/itl.c server/trust/itl.h \
	server/trust/sgn.c server/trust/sgn.h \
	server/trust/keys.c server/trust/keys.h
