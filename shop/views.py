from django.shortcuts import render

from .models import Category


def home(request):
    """The shop's front page: top-level categories and the search box."""
    categories = Category.objects.filter(parent=None)
    return render(request, "shop/home.html", {"categories": categories})
