# assets/: scenarios, SQL dialect files, man pages, the dependency installer.
scenariodir = $(pkgdatadir)/scenarios
dist_scenario_DATA = \
	assets/scenarios/demo.scn \
	assets/scenarios/mi.scn \
	assets/scenarios/vnet.scn \
	assets/scenarios/split-brain.scn

runbookdir = $(pkgdatadir)/runbooks
dist_runbook_DATA = \
	assets/runbooks/sqldb-failover.runbook \
	assets/runbooks/mi-failover.runbook \
	assets/runbooks/attach-new-ir.runbook

dist_man_MANS += assets/ssisdr.1 assets/ssisdr-sim.1 assets/ssisdr.conf.5 assets/ssisdr-runbook.5
dist_doc_DATA = assets/ssisdr.conf.example
EXTRA_DIST += assets/install-deps
