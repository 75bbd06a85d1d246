#!/bin/sh
# sip-values.sh FILE: the values a SIP user agent needs, read from a rendered
# SEP<MAC>.cnf.xml with `xmllint --xpath` only, one KEY=VALUE a line (the value
# runs to the end of the line, spaces included):
#
#   registrar_host=   processNodeName of the callManagerGroup member priority="0"
#   registrar_port=   its ports/sipPort
#   transport=        udp, tcp or tls, from transportLayerProtocol (2, 1, 3)
#   lines=            the line buttons, in the file's order, space separated
#   lineN_name=       for each button N: the line's name (the number it registers),
#   lineN_authName=   the digest user name
#   lineN_authPassword=  and password
#   lineN_displayName=   (may be empty)
#
# Exits 1, naming what is missing, when the file is not well-formed XML or a
# value a phone cannot register without is absent or malformed.

set -u
[ $# -eq 1 ] || { echo "usage: $0 SEP<MAC>.cnf.xml" >&2; exit 2; }
FILE=$1
MEMBER='/device/devicePool/callManagerGroup/members/member[@priority="0"]/callManager'
LINE='/device/sipProfile/sipLines/line'

die() { echo "sip-values: $FILE: $*" >&2; exit 1; }

xp() {          # xp EXPR: the string value of an XPath expression
    xmllint --xpath "string($1)" "$FILE" 2>/dev/null
}

need() {        # need KEY EXPR: print KEY=value, fail when it is empty
    v=$(xp "$2")
    [ -n "$v" ] || die "no value for $1 ($2)"
    printf '%s=%s\n' "$1" "$v"
}

xmllint --noout "$FILE" 2>/dev/null || die "not well-formed XML"

need registrar_host "$MEMBER/processNodeName"
port=$(xp "$MEMBER/ports/sipPort")
case $port in
''|*[!0-9]*) die "sipPort of member priority 0 is not a port: '$port'" ;;
esac
printf 'registrar_port=%s\n' "$port"

proto=$(xp '(/device/transportLayerProtocol | /device/sipProfile/transportLayerProtocol)[1]')
case $proto in
1) echo transport=tcp ;;
2) echo transport=udp ;;
3) echo transport=tls ;;
*) die "transportLayerProtocol '$proto' is not 1 (TCP), 2 (UDP) or 3 (TLS)" ;;
esac

count=$(xp "count($LINE)")
[ "$count" -gt 0 ] 2>/dev/null || die "no sipLines/line"
buttons=
i=1
while [ "$i" -le "$count" ]; do
    b=$(xp "${LINE}[$i]/@button")
    case $b in
    ''|*[!0-9]*) die "line $i has no numeric button: '$b'" ;;
    esac
    case " $buttons " in
    *" $b "*) die "button $b appears twice" ;;
    esac
    buttons="${buttons:+$buttons }$b"
    i=$((i + 1))
done
echo "lines=$buttons"
for b in $buttons; do
    need "line${b}_name" "${LINE}[@button=\"$b\"]/name"
    need "line${b}_authName" "${LINE}[@button=\"$b\"]/authName"
    need "line${b}_authPassword" "${LINE}[@button=\"$b\"]/authPassword"
    printf 'line%s_displayName=%s\n' "$b" "$(xp "${LINE}[@button=\"$b\"]/displayName")"
done
