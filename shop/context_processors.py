from .pricing import prices_incl_vat, prices_visible


def prices(request):
    """`show_prices` («Kan se priser») and `incl_vat` («Vis priser inkl. mva») for every template."""
    return {"show_prices": prices_visible(request), "incl_vat": prices_incl_vat(request)}
