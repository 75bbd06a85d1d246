# server/service/: see server/README.md.  Its sources join server/libucprov.a.
