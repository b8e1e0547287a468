"""The committee's documents: periodic reports, conclusion notices, rankings, the HQ roll-up,
export and plan import, and their renderers (.docx, Markdown, CSV).

Headless: the CLI, the app and the server may all call it; it never imports Textual (an
import-linter contract and a subprocess test check it).  It reads through the replica
(:mod:`sync`) and the domain's rules (:mod:`domain`), never the other way round.
"""
