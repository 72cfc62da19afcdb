<?xml version="1.0" encoding="UTF-8"?>
<!-- What the search benchmark's Zebra indexes of a MARC21 record (bib-1 names; :w words, :p whole fields):
     the fields the generated catalogue carries, Chinese 880 forms of 245 included. Any (1016) gets them all. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:marc="http://www.loc.gov/MARC21/slim" xmlns:z="http://indexdata.com/zebra-2.0">
  <xsl:output indent="no" method="xml" version="1.0" encoding="UTF-8"/>

  <xsl:template match="text()"/>

  <xsl:template match="/">
    <z:record z:id="{marc:record/marc:controlfield[@tag='001']}">
      <xsl:apply-templates select="marc:record"/>
    </z:record>
  </xsl:template>

  <xsl:template match="marc:record">
    <xsl:variable name="f008" select="marc:controlfield[@tag='008']"/>
    <z:index name="Code-language:w"><xsl:value-of select="substring($f008, 36, 3)"/></z:index>
    <z:index name="Date-of-publication:w"><xsl:value-of select="substring($f008, 8, 4)"/></z:index>
    <z:index name="Local-number:w"><xsl:value-of select="marc:controlfield[@tag='001']"/></z:index>
    <xsl:apply-templates select="marc:datafield"/>
  </xsl:template>

  <xsl:template match="marc:datafield[@tag='020']">
    <z:index name="ISBN:w Any:w"><xsl:value-of select="marc:subfield[@code='a']"/></z:index>
  </xsl:template>

  <xsl:template match="marc:datafield[@tag='100' or @tag='110' or @tag='700' or @tag='710']">
    <z:index name="Author:w Author:p Any:w"><xsl:value-of select="marc:subfield[@code='a']"/></z:index>
  </xsl:template>

  <xsl:template match="marc:datafield[@tag='245' or @tag='246' or (@tag='880' and starts-with(marc:subfield[@code='6'], '245'))]">
    <z:index name="Title:w Title:p Any:w">
      <xsl:for-each select="marc:subfield[@code='a' or @code='b' or @code='n' or @code='p']">
        <xsl:value-of select="."/><xsl:text> </xsl:text>
      </xsl:for-each>
    </z:index>
    <z:index name="Author:w Any:w"><xsl:value-of select="marc:subfield[@code='c']"/></z:index>
  </xsl:template>

  <xsl:template match="marc:datafield[@tag='490' or @tag='830']">
    <z:index name="Title-series:w Title:w Any:w"><xsl:value-of select="marc:subfield[@code='a']"/></z:index>
  </xsl:template>

  <xsl:template match="marc:datafield[@tag='264' or @tag='260']">
    <z:index name="Publisher:w Any:w"><xsl:value-of select="marc:subfield[@code='b']"/></z:index>
  </xsl:template>

  <xsl:template match="marc:datafield[@tag='500']">
    <z:index name="Note:w Any:w"><xsl:value-of select="marc:subfield[@code='a']"/></z:index>
  </xsl:template>

  <xsl:template match="marc:datafield[@tag='600' or @tag='610' or @tag='650' or @tag='651' or @tag='653']">
    <z:index name="Subject-heading:w Subject-heading:p Any:w">
      <xsl:for-each select="marc:subfield[@code!='2' and @code!='6']">
        <xsl:value-of select="."/><xsl:text> </xsl:text>
      </xsl:for-each>
    </z:index>
  </xsl:template>
</xsl:stylesheet>
