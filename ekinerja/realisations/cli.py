"""`flask periods ...`: lock and reopen monthly periods from the command line."""
import click
from flask.cli import AppGroup

periods_cli = AppGroup("periods", help="Periode bulanan realisasi: kunci dan buka kembali.")
