"""Totals the orders in /app/data/orders.csv by month."""
import csv
from collections import Counter

totals = Counter()
with open("/app/data/orders.csv", newline="") as orders:
    for row in csv.DictReader(orders):
        totals[row["date"][:7]] += float(row["amount"])
for month, amount in sorted(totals.items()):
    print(f"{month}  {amount:12.2f}")
