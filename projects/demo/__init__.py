"""Demo and scale data: the words as files, small modules that turn them into rows.

    fixtures/demo/*.toml   names, districts, agencies, project themes, report words, demo
                           users, demo projects, KPIs: what the demo says
    vocabulary.py          reads those files, once per process
    specs.py               pure spec builders (project_spec, random_project_spec, ...):
                           a project's steps and monthly reports from its code and theme
    kpis.py                the demo's KPI specs and the texts every KPI shares
    load.py                make_demo: writes the demo set (`manage.py demo`), idempotent
    scale.py               generate: the whole BMA in bulk (`manage.py generate_demo`)

Nothing in the core (models, services, selectors, rule modules) imports this package.
"""
