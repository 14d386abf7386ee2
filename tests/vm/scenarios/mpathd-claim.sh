# SPDX-License-Identifier: GPL-2.0-or-later
# desc: which devices become maps and under which names: find_multipaths strict (wwids file, multipaths) and on, the blacklist, bindings kept across restarts; path_checker none and readsector0; failed paths re-tested faster than polling_interval
# timeout: 300
. "$(dirname "$0")/../lib/fixtures.sh"

fx_scsi_debug 4 2 || fx_die "scsi_debug"
declare -a W
i=0
for d in $(fx_sdebug_disks); do
	w=$(fx_wwid "$d")
	[[ " ${W[*]} " == *" $w "* ]] || W[i++]=$w
done
check "4 LUNs, 4 WWIDs" test ${#W[@]} = 4
map_uuids() { for m in $(fx_dm_maps); do echo "$m $(dmsetup info -c --noheadings -o uuid "$m" | sed 's/^mpath-//')"; done | sort; }
conf() {	# conf FIND_MULTIPATHS [path_checker] [polling_interval]
	printf '%s\n' "defaults {
	user_friendly_names yes
	find_multipaths $1
	path_checker ${2:-tur}
	polling_interval ${3:-2}
}
blacklist {
	wwid \"^${W[2]}\$\"
}
multipaths {
	multipath {
		wwid ${W[1]}
		alias dbtwo
	}
}
$FX_SDEBUG_NO_ALUA"
}

# 1. strict: the wwids file (W0) and the multipaths entry (W1) only; W0 keeps its bound name.
mkdir -p /etc/multipath
printf '# wwids\n/%s/\n' "${W[0]}" > /etc/multipath/wwids
printf '# bindings\nmpathq %s\n' "${W[0]}" > /etc/multipath/bindings
fx_mpathd_start "$(conf strict)" || fx_die "mpathd"
check "strict: 2 maps" wait_for 30 fx_eq 2 fx_count fx_dm_maps
check "strict: W0 (wwids file) is mpathq, its name in the bindings file; W1 is dbtwo (multipaths)" \
	fx_eq "$(printf 'dbtwo %s\nmpathq %s' "${W[1]}" "${W[0]}")" map_uuids
check "strict: W3, on 2 paths but in no list, is not a map" bash -c "! dmsetup info -c --noheadings -o uuid | grep -q '${W[3]}'"
fx_mpathd_stop

# 2. on: W3 too (2 paths); W2 stays out (blacklisted); W3's new name is written down.
fx_mpathd_start "$(conf on)" || fx_die "mpathd"
check "on: 3 maps" wait_for 30 fx_eq 3 fx_count fx_dm_maps
check "on: W2 (blacklisted) is not a map" bash -c "! dmsetup info -c --noheadings -o uuid | grep -q '${W[2]}'"
n3=$(map_uuids | awk -v w="${W[3]}" '$2 == w { print $1 }')
check "on: W3 is a map ($n3), not named mpathq" test -n "$n3" -a "$n3" != mpathq
check "... its binding is in the bindings file" grep -qE "^$n3 ${W[3]}\$" /etc/multipath/bindings
check "... and its WWID in the wwids file" grep -qx "/${W[3]}/" /etc/multipath/wwids
names=$(map_uuids)
fx_mpathd_stop
for m in $(fx_dm_maps); do dmsetup remove "$m"; done
fx_mpathd_start "$(conf on)" || fx_die "mpathd"
check "after a restart with the maps gone, every map comes back under the same name" \
	wait_for 30 fx_eq "$names" map_uuids
fx_mpathd_stop

# 3. Checkers, with no I/O running: none never fails a path; readsector0 (run as directio)
#    fails an offline one; failed paths are re-tested far faster than polling_interval 10.
m=$(map_uuids | awk -v w="${W[3]}" '$2 == w { print $1 }')
victim=$(dmsetup deps -o devname "$m" | grep -o '(sd[a-z]*)' | tr -d '()' | head -n1)
vdevt=$(fx_devt "$victim")
fx_mpathd_start "$(conf on none 2)" || fx_die "mpathd"
wait_for 20 fx_eq "A A" fx_dm_path_states "$m"
fx_path_offline "$victim"
sleep 6
check "path_checker none: $victim offline with no I/O stays active in the kernel (never tested)" \
	fx_eq A fx_dm_path_state "$m" "$vdevt"
fx_path_running "$victim"
conf on readsector0 10 > /tmp/mpathd.conf
check "reconfigure to readsector0, polling_interval 10" fx_mpath reconfigure
sleep 2
fx_path_offline "$victim"
check "readsector0: $victim offline, no I/O: failed in the kernel within 12 s" wait_for 12 fx_eq F fx_dm_path_state "$m" "$vdevt"
t0=$(fx_now_ms)
fx_path_running "$victim"
check "... reinstated within 2 s of coming back, with polling_interval 10 (failed paths: every 250 ms)" \
	wait_for 2 fx_eq A fx_dm_path_state "$m" "$vdevt"
echo "  reinstated $(( $(fx_now_ms) - t0 )) ms after it came back"
fx_mpathd_stop
check "daemon log has no error" bash -c "! grep -E ': err: ' /tmp/mpathd.log"
fx_done
