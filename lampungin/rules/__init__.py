"""The rules toolchain of policy staff: `rules/` → checked, compiled, tested, explained, built.

    source    reads rules/*.yaml with line numbers        schema/check_*  validate them (file:line)
    compiler  policy YAML → the bundle (durable.py: rules → durable_rules JSON)
    build     writes the bundle the Lambdas load           cases/expect    the YAML example cases
    simulate  plays a case through the domain engine the Lambdas run (clocks.replay, sanction facts)
    explain   tells a case step by step                    messages        Indonesian/English texts
    ranges    the allowed range of every numeric parameter coverage/reports  `rules test --coverage`,
    whatif    replays recorded histories under two bundles                   JUnit and JSON for CI
              (whatif_html: its HTML report)               history         a parameter's dated values
    cli       `lampungin rules …` (cli_whatif: `whatif` and `history`; cli_words: argparse and every
              help text in one language, Indonesian or English)

Imports flow one way: cli → (build, check, cases, explain) → simulate → chalicelib; none back.
"""
