# The SCMI protocols fwkit implements besides Base: the one list from which
# the platform's module table (linked into libfwkit) and the `fwkit scmi
# <name>` table (linked into the tool) are generated at configure time. Both
# tables name every entry strongly, so an ordinary link of libfwkit.a brings
# in every module and the tool every protocol command.
#
# Adding a protocol = its files + one line here:
#   src/scmi/platform/protocols/<name>.c  defines `scmi_<name>_module`
#   src/scmi/agent/protocols/<name>.c     the client (include/fwkit/scmi/<name>.h)
#   tools/fwkit/scmi_<name>.c             defines `fwkit_scmi_<name>()`
# The order is the order of module setup and of the CLI's help.
set(FWKIT_SCMI_PROTOCOLS
  power
  system
  perf
  clock
  sensor
  reset
  voltage
  powercap
  pinctrl
)

# Write the two generated tables into dir: scmi_modules.c (for libfwkit),
# fwkit_scmi_table.c and fwkit_scmi_table.h (for the tool). file(CONFIGURE)
# rewrites a file only when its text changes, so a re-run rebuilds nothing.
function(fwkit_generate_scmi_tables dir)
  set(decls "")
  set(entries "")
  set(cli_decls "")
  set(cli_entries "")
  set(names "")
  foreach(p ${FWKIT_SCMI_PROTOCOLS})
    string(APPEND decls "extern const struct scmi_proto_module scmi_${p}_module;\n")
    string(APPEND entries "\t&scmi_${p}_module,\n")
    string(APPEND cli_decls "int fwkit_scmi_${p}(struct cli_scmi *s, int argc, char **argv);\n")
    string(APPEND cli_entries "\t{ \"${p}\", fwkit_scmi_${p} },\n")
    list(APPEND names ${p})
  endforeach()
  list(LENGTH FWKIT_SCMI_PROTOCOLS count)
  list(JOIN names ", " names)
  set(banner "/* Generated from cmake/scmi_protocols.cmake: do not edit. */")
  file(CONFIGURE OUTPUT ${dir}/scmi_modules.c @ONLY CONTENT
"${banner}
#include <fwkit/scmi/modules.h>

${decls}
const struct scmi_proto_module *const scmi_modules[] = {
${entries}};
const size_t scmi_num_modules = ${count};
")
  file(CONFIGURE OUTPUT ${dir}/fwkit_scmi_table.h @ONLY CONTENT
"${banner}
#ifndef FWKIT_SCMI_TABLE_H
#define FWKIT_SCMI_TABLE_H

#include <stddef.h>

struct cli_scmi;

/* `fwkit scmi <name> ...`: argv[0] is the name; returns the exit status.
 * The agent comes from cli_scmi_agent(s) once the arguments are good. */
${cli_decls}
struct fwkit_scmi_protocol {
	const char *name;
	int (*run)(struct cli_scmi *s, int argc, char **argv);
};

extern const struct fwkit_scmi_protocol fwkit_scmi_protocols[];
extern const size_t fwkit_scmi_num_protocols;

#define FWKIT_SCMI_PROTOCOL_NAMES \"${names}\"

#endif
")
  file(CONFIGURE OUTPUT ${dir}/fwkit_scmi_table.c @ONLY CONTENT
"${banner}
#include \"fwkit_scmi_table.h\"

const struct fwkit_scmi_protocol fwkit_scmi_protocols[] = {
${cli_entries}};
const size_t fwkit_scmi_num_protocols = ${count};
")
endfunction()
