def current_customer(request):
    tenant = getattr(request, "tenant", None)
    return {"tenant": tenant}
